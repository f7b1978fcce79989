from basalt import config, service
from services.controller import app
from services.controller.settings import Settings

service.main("controller", app.serve, config.load(Settings))

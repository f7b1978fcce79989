from basalt import config, service
from services.gateway import app
from services.gateway.settings import Settings

service.main("gateway", app.serve, config.load(Settings))

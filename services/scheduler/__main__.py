from basalt import config, service
from services.scheduler import app
from services.scheduler.settings import Settings

service.main("scheduler", app.serve, config.load(Settings))

from basalt import config, service
from services.admission import app
from services.admission.settings import Settings

service.main("admission", app.serve, config.load(Settings))

"""``python -m services.agent``: settings from ``BASALT_*`` variables, then serve until SIGTERM."""

from basalt import config, service
from services.agent import app, settings

if __name__ == "__main__":
    service.main("agent", app.serve, config.load(settings.Settings))

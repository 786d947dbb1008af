"""Serving the product with gunicorn (a production WSGI server), started from Python."""

from django.conf import settings
from django.core.management import CommandError, call_command
from gunicorn.app.base import BaseApplication


class _Gunicorn(BaseApplication):
    def __init__(self, application, options):
        self.application = application
        self.options = options
        super().__init__()

    def load_config(self):
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self):
        return self.application


def check_production_ready():
    """Refuse to serve production with the development secret key or with debug pages on."""
    if settings.PRODUCTION and settings.SECRET_KEY == settings.DEVELOPMENT_SECRET_KEY:
        raise CommandError("Set SECRET_KEY in the environment: production refuses the development key.")
    if settings.PRODUCTION and settings.DEBUG:
        raise CommandError("DEBUG must be off in production.")


def serve(*, bind, workers, threads):
    """Collect static files and run gunicorn until interrupted."""
    from zoneledger.wsgi import application

    check_production_ready()
    call_command("collectstatic", interactive=False, verbosity=0)
    options = {"bind": bind, "workers": workers, "threads": threads, "accesslog": "-", "timeout": 120}
    _Gunicorn(application, options).run()

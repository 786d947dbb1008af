"""Serving the product with gunicorn (a production WSGI server), started from Python; and a worker beside it."""

import contextlib
import math
import subprocess
import sys
import zlib
from collections import Counter

from django.conf import settings
from django.core.management import CommandError, call_command
from django.core.wsgi import get_wsgi_application
from django.utils.translation import gettext as _
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


SECRET_KEY_MIN_LENGTH = 50
SECRET_KEY_MIN_DISTINCT = 10
SECRET_KEY_MIN_BITS = 128
ZLIB_OVERHEAD = 11  # bytes zlib adds to any input (header, checksum, block marker)


def secret_key_bits(key):
    """A rough upper estimate of the key's randomness in bits: the lower of its characters' entropy times its length
    and the size it compresses to. A typed phrase repeated, a run of one character or a counting sequence scores
    low; a key drawn from `secrets` scores its true size or close."""
    length = len(key)
    counts = Counter(key)
    per_character = -sum(count / length * math.log2(count / length) for count in counts.values()) if key else 0
    compressed = len(zlib.compress(key.encode(), 9)) - ZLIB_OVERHEAD
    return min(per_character * length, compressed * 8)


def secret_key_weakness(key):
    """Why `key` is too weak to sign production sessions and tokens, or None when it will do."""
    if key == settings.DEVELOPMENT_SECRET_KEY:
        return _("it is the development key")
    if len(key) < SECRET_KEY_MIN_LENGTH:
        return _("it is shorter than %(count)d characters") % {"count": SECRET_KEY_MIN_LENGTH}
    if len(set(key)) < SECRET_KEY_MIN_DISTINCT or secret_key_bits(key) < SECRET_KEY_MIN_BITS:
        return _("it is too regular to be random")
    return None


def check_production_ready():
    """Refuse to serve production with a weak secret key (the development key included) or with debug pages on."""
    if not settings.PRODUCTION:
        return
    weakness = secret_key_weakness(settings.SECRET_KEY)
    if weakness is not None:
        raise CommandError(
            _(
                "SECRET_KEY is too weak for production: %(reason)s. Set a random one in the environment, e.g. "
                "the output of: python3 -c 'import secrets; print(secrets.token_urlsafe(50))'"
            )
            % {"reason": weakness}
        )
    if settings.DEBUG:
        raise CommandError(_("DEBUG must be off in production."))


def serve(*, bind, workers, threads):
    """Collect static files and run gunicorn until interrupted."""
    check_production_ready()
    call_command("collectstatic", interactive=False, verbosity=0)
    # JSON logs carry their own access log with the request id (ops/middleware.py); gunicorn's would be plain text.
    accesslog = None if settings.ZONELEDGER_LOG_FORMAT == "json" else "-"
    options = {"bind": bind, "workers": workers, "threads": threads, "accesslog": accesslog, "timeout": 120}
    _Gunicorn(get_wsgi_application(), options).run()


@contextlib.contextmanager
def worker_alongside(*, stop_seconds=60):
    """`zoneledger worker` in a process of its own while the block runs, stopped with it: SIGTERM lets its running
    jobs finish (for up to `stop_seconds`). It runs in a session of its own, so a Ctrl+C at the terminal stops
    the server, and the server's end stops the worker, once."""
    worker = subprocess.Popen([sys.executable, "-m", "zoneledger.cli", "worker"], start_new_session=True)
    try:
        yield worker
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=stop_seconds)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()

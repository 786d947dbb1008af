"""`zoneledger check-deploy`: what is wrong with this production configuration, one plain sentence each.

Each check returns the problems it found (an empty list when it passed). They read settings as the process has
them, so the command is run with the same environment as the service (docs/DEPLOY.md).
"""

import tempfile
from collections.abc import Callable

from django.conf import settings
from django.core import checks
from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor
from django.utils.translation import gettext as _

from zoneledger.core.server import secret_key_weakness

from .health import database_check, worker_check


def environment_problems() -> list[str]:
    if settings.PRODUCTION:
        return []
    return [_('ZONELEDGER_ENV is not "production": the settings below are checked as production would use them.')]


def secret_key_problems() -> list[str]:
    weakness = secret_key_weakness(settings.SECRET_KEY)
    problems = []
    if weakness is not None:
        problems.append(_("SECRET_KEY is too weak for production: %(reason)s.") % {"reason": weakness})
    if settings.DEBUG:
        problems.append(_("DEBUG is on: error pages would show the code and settings to anyone."))
    return problems


def host_problems() -> list[str]:
    hosts = [host.strip() for host in settings.ALLOWED_HOSTS]
    if not any(hosts):
        return [_("ALLOWED_HOSTS is empty: set the site's host names, comma-separated.")]
    if "*" in hosts:
        return [_('ALLOWED_HOSTS contains "*": name the site\'s hosts instead.')]
    if "" in hosts:
        return [_("ALLOWED_HOSTS has an empty entry (a stray comma).")]
    return []


def tls_problems() -> list[str]:
    problems = []
    if not (settings.SESSION_COOKIE_SECURE and settings.CSRF_COOKIE_SECURE):
        problems.append(_("The session and CSRF cookies are not marked Secure: they could travel over plain HTTP."))
    if not settings.SECURE_HSTS_SECONDS:
        problems.append(_("HSTS is off (SECURE_HSTS_SECONDS is 0): browsers may still try plain HTTP."))
    if not settings.SECURE_SSL_REDIRECT and not getattr(settings, "SECURE_PROXY_SSL_HEADER", None):
        problems.append(
            _(
                "Nothing sends plain HTTP to HTTPS: set ZONELEDGER_SSL_REDIRECT=1, or ZONELEDGER_BEHIND_PROXY=1 "
                "behind a proxy that ends TLS and redirects itself."
            )
        )
    return problems


def database_problems() -> list[str]:
    if not database_check().ok:
        return [_("The database does not answer: check DATABASE_URL and that the server runs.")]
    problems = []
    if connection.vendor == "sqlite" and not settings.ZONELEDGER_ALLOW_SQLITE:
        problems.append(
            _(
                "The database is SQLite: production runs on PostgreSQL (set DATABASE_URL), or set "
                "ZONELEDGER_ALLOW_SQLITE=1 for a small single-server installation."
            )
        )
    executor = MigrationExecutor(connection)
    waiting = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if waiting:
        problems.append(_("The database lacks %(count)d migrations: run zoneledger migrate.") % {"count": len(waiting)})
    return problems


def worker_problems() -> list[str]:
    database = database_check()
    if not database.ok:
        return []  # said once, by the database's check
    if worker_check(database=database).ok:
        return []
    return [
        _(
            "No worker has renewed its heartbeat in the last %(seconds)d s: start the zoneledger-worker service "
            "(imports, escalation and backups wait for it)."
        )
        % {"seconds": settings.ZONELEDGER_JOB_STALE_SECONDS}
    ]


def backup_problems() -> list[str]:
    folder = settings.ZONELEDGER_BACKUP_DIR
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".check-deploy-"):
            pass
    except OSError as error:
        return [
            _("The backup folder %(folder)s cannot be written (%(error)s): set ZONELEDGER_BACKUP_DIR.")
            % {"folder": folder, "error": error.strerror or error}
        ]
    return []


def system_check_problems() -> list[str]:
    """Django's own deployment checks and the product's errors (the audit anchor key, for one)."""
    try:
        messages = checks.run_checks(include_deployment_checks=True)
    except DatabaseError:
        return []  # the database's check says so
    return [
        f"{message.id}: {message.msg}"
        for message in messages
        if not message.is_silenced() and (message.level >= checks.ERROR or (message.id or "").startswith("security."))
    ]


CHECKS: list[Callable[[], list[str]]] = [
    environment_problems,
    secret_key_problems,
    host_problems,
    tls_problems,
    database_problems,
    worker_problems,
    backup_problems,
    system_check_problems,
]


def deploy_problems() -> list[str]:
    """Every problem of every check, in the order above."""
    return [problem for check in CHECKS for problem in check()]

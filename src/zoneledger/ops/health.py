"""What the operator watches: whether the database answers, a worker is alive and the data folder has room.

Each check is a `Check` (a name, whether it passed, and a line saying what is wrong when it did not). `/healthz`
shows them, and `zoneledger check-deploy` runs them among its own. Nothing here names a host, a path or a
setting's value: the health endpoint is public.
"""

import shutil
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import DatabaseError, connection
from django.utils import timezone

from zoneledger.jobs.selectors import worker_last_heartbeat


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    problem: str = ""  # what is wrong, for the operator (English: it is read by monitoring and in logs)
    figures: dict[str, Any] | None = None


def database_check() -> Check:
    """The database answers a query."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        return Check("database", False, "the database does not answer")
    return Check("database", True)


def worker_check(*, database: Check) -> Check:
    """A worker renewed its heartbeat within ZONELEDGER_JOB_STALE_SECONDS (checked only when the database answers)."""
    if not database.ok:
        return Check("worker", False, "unknown: the database does not answer")
    try:
        last = worker_last_heartbeat()
    except DatabaseError:  # the tables may be missing (migrations not applied)
        return Check("worker", False, "unknown: the workers' table cannot be read")
    limit = settings.ZONELEDGER_JOB_STALE_SECONDS
    if last is None:
        return Check("worker", False, "no worker is running (zoneledger worker)")
    age = (timezone.now() - last).total_seconds()
    if age > limit:
        return Check("worker", False, f"no worker heartbeat for {int(age)} s (more than {limit} s)")
    return Check("worker", True, figures={"heartbeat_age_seconds": round(max(age, 0), 1)})


def disk_check() -> Check:
    """The data folder (database file, uploads, anchors, backups by default) has ZONELEDGER_MIN_FREE_MB free."""
    try:
        free_mb = shutil.disk_usage(settings.DATA_DIR).free // (1024 * 1024)
    except OSError:
        return Check("disk", False, "the data folder cannot be read")
    if free_mb < settings.ZONELEDGER_MIN_FREE_MB:
        return Check(
            "disk",
            False,
            f"{free_mb} MB free in the data folder, less than {settings.ZONELEDGER_MIN_FREE_MB} MB",
            {"free_mb": free_mb},
        )
    return Check("disk", True, figures={"free_mb": free_mb})


def health() -> list[Check]:
    """The three checks of `/healthz`, in order."""
    database = database_check()
    return [database, worker_check(database=database), disk_check()]

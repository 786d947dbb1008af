"""Reads of jobs for the pages: a user's own job, and where a queued job stands."""

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Count, Max
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from zoneledger.core.errors import NotFound

from . import services
from .choices import JobState
from .models import Job, WorkerProcess

if TYPE_CHECKING:  # users are settings.AUTH_USER_MODEL at run time (docs/ARCHITECTURE.md)
    from zoneledger.accounts.models import User


def job_get(*, user: "User", pk: uuid.UUID | str, kinds: Iterable[str] | None = None) -> Job:
    """`user`'s job `pk` (of one of `kinds`), after failing it if its worker died; NotFound for anyone else's."""
    services.jobs_fail_stale()
    jobs = Job.objects.of(user)
    if kinds is not None:
        jobs = jobs.filter(kind__in=kinds)
    try:
        job = jobs.filter(pk=pk).first()
    except ValidationError:  # not a job's key at all
        job = None
    if job is None:
        raise NotFound
    return job


def jobs_ahead(*, job: Job) -> int:
    """How many queued jobs the worker takes before this queued one (it takes the oldest first)."""
    return Job.objects.filter(state=JobState.QUEUED, created_at__lt=job.created_at).count()


def workers_alive() -> int:
    """How many workers renewed their heartbeat recently (0: queued jobs wait for someone to start one)."""
    limit = timezone.now() - timedelta(seconds=settings.ZONELEDGER_JOB_STALE_SECONDS)
    return WorkerProcess.objects.filter(heartbeat_at__gte=limit).count()


def jobs_unfinished(*, user: "User", kinds: Iterable[str]) -> int:
    """How many of `user`'s jobs of `kinds` wait or run."""
    return Job.objects.of(user).unfinished().filter(kind__in=kinds).count()


def worker_last_heartbeat() -> datetime | None:
    """When the most recent worker last renewed its heartbeat (None: no worker has run, or every one stopped)."""
    return WorkerProcess.objects.aggregate(last=Max("heartbeat_at"))["last"]


@dataclass(frozen=True)
class QueueFigures:
    """The background work as the metrics show it, read from the database (so the same from every process)."""

    jobs: dict[str, int]  # jobs kept (ZONELEDGER_JOB_KEEP_HOURS), by state: queued, running, done, failed
    tasks_ready: int  # tasks waiting for a worker, periodic ones included
    tasks_failed: int  # tasks that ended with an error, kept as long as the jobs
    workers: int  # workers with a recent heartbeat


def queue_figures() -> QueueFigures:
    """How much work waits, runs and failed, and how many workers are there to do it (four small queries)."""
    by_state = dict(Job.objects.order_by().values_list("state").annotate(count=Count("pk")))
    return QueueFigures(
        jobs={state: by_state.get(state, 0) for state in JobState.values},
        tasks_ready=DBTaskResult.objects.ready().count(),
        tasks_failed=DBTaskResult.objects.failed().count(),
        workers=workers_alive(),
    )

"""Every write to jobs: starting one, its progress as it runs, its end (done or failed), and the sweep that fails
the jobs of a worker that died.

A job's life is a row moved by conditional updates (`UPDATE … WHERE state = …`), so two processes never both
start one job, and a confirmation clicked twice starts its work once.
"""

import contextvars
import json
import logging
import os
import socket
import time
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.files.base import File
from django.db import DatabaseError, OperationalError, connection, transaction
from django.db.models import Q
from django.tasks import Task
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from zoneledger.core.db import is_database_busy

from .choices import JobKind, JobState
from .models import Job, WorkerProcess

if TYPE_CHECKING:  # users are settings.AUTH_USER_MODEL at run time (docs/ARCHITECTURE.md)
    from zoneledger.accounts.models import User

# A job's key as tasks pass it: the UUID itself, or its text.
JobId = uuid.UUID | str

logger = logging.getLogger(__name__)

# A progress report is written at most this often: the page polls every second.
PROGRESS_INTERVAL_SECONDS = 1.0
# The worker (its id) running the current thread's task; "inline" when a task runs where it was enqueued (tests).
current_worker = contextvars.ContextVar("current_worker", default="inline")


class JobFailed(Exception):
    """Raised by a job's work to end it as failed with this message for its owner (already translated)."""


def job_start(
    *,
    owner: "User",
    kind: JobKind,
    task: Task,
    upload: File | None = None,
    filename: str = "",
    parameters: dict[str, Any] | None = None,
    language: str | None = None,
) -> Job:
    """Create a queued job for `owner` (its input file stored through Django's storage) and enqueue `task`
    with the job's id. With the immediate backend (tests) the task has run when this returns."""
    job = Job(
        owner=owner,
        kind=kind,
        filename=filename[:255],
        parameters=parameters or {},
        language=language or translation.get_language() or settings.LANGUAGE_CODE,
    )
    if upload is not None:
        job.upload.save("upload", upload, save=False)
    job.save()
    _enqueue(job, task)
    job.refresh_from_db()
    return job


def job_requeue(*, job: Job, kind: JobKind, task: Task, only_if: Q) -> bool:
    """Queue `job` again as `kind` (an import's check → its apply) if it still matches `only_if`; True once:
    a second confirmation finds the job moved on and starts nothing."""
    moved = Job.objects.filter(Q(pk=job.pk) & only_if).update(
        kind=kind,
        state=JobState.QUEUED,
        done=0,
        total=0,
        result=None,
        message="",
        worker="",
        started_at=None,
        finished_at=None,
        heartbeat_at=None,
    )
    if moved:
        _enqueue(job, task)
    return bool(moved)


def _enqueue(job: Job, task: Task) -> None:
    Job.objects.filter(pk=job.pk).update(created_at=timezone.now())
    try:
        result = task.enqueue(str(job.pk))
    except Exception:
        logger.exception("could not enqueue job %s", job.pk)
        job_fail(job_id=job.pk, message=_failure_message(job.language))
        raise
    Job.objects.filter(pk=job.pk).update(task_id=str(result.id)[:64])


def job_begin(*, job_id: JobId, worker: str) -> Job | None:
    """Mark the queued job running on `worker`; None when it is not queued (failed meanwhile, or started twice)."""
    now = timezone.now()
    begun = Job.objects.filter(pk=job_id, state=JobState.QUEUED).update(
        state=JobState.RUNNING, worker=worker[:64], started_at=now, heartbeat_at=now
    )
    return Job.objects.get(pk=job_id) if begun else None


class Progress:
    """The callback a job's work reports to: `progress(done, total)`, as often as it likes.

    It writes at most once a second, and never inside an atomic block: a write there would belong to the work's
    own transaction (unseen until it commits) and on SQLite it would hold the write lock longer.
    """

    def __init__(self, job: Job):
        self.job_id = job.pk
        self.written_at = 0.0

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if now - self.written_at < PROGRESS_INTERVAL_SECONDS or _inside_transaction():
            return
        self.written_at = now
        try:
            Job.objects.filter(pk=self.job_id, state=JobState.RUNNING).update(done=done, total=max(total, done))
        except DatabaseError:  # a busy database: the next report will do
            logger.warning("could not write the progress of job %s", self.job_id, exc_info=True)


def _inside_transaction() -> bool:
    return connection.in_atomic_block


def _until_written(write: Callable[[], int], attempts: int = 10) -> int:
    """Run a write that must happen (a job's end), trying again while the database is busy."""
    for _attempt in range(attempts - 1):
        try:
            return write()
        except OperationalError as error:
            if not is_database_busy(error):
                raise
            logger.warning("the database is busy; writing a job's end again")
    return write()


def job_finish(*, job_id: JobId, result: dict[str, Any] | None) -> None:
    """The job is done; `result` is kept if it fits in ZONELEDGER_JOB_RESULT_MAX_BYTES, else refused loudly."""
    if result is not None:
        size = len(json.dumps(result, ensure_ascii=False).encode())
        if size > settings.ZONELEDGER_JOB_RESULT_MAX_BYTES:
            raise ValueError(f"job {job_id}: a result of {size} bytes is over the limit; the work must cap it")
    _until_written(
        lambda: Job.objects.filter(pk=job_id).update(
            state=JobState.DONE, result=result, finished_at=timezone.now(), heartbeat_at=timezone.now()
        )
    )


def job_fail(*, job_id: JobId, message: str) -> None:
    """The job failed; `message` says why, for its owner."""
    _until_written(
        lambda: (
            Job.objects.filter(pk=job_id)
            .exclude(state=JobState.DONE)
            .update(state=JobState.FAILED, message=message, finished_at=timezone.now())
        )
    )


def _failure_message(language: str) -> str:
    with translation.override(language or settings.LANGUAGE_CODE):
        return _("The job stopped on an unexpected problem; nothing was written. Try again, or ask your administrator.")


def _stopped_message(language: str) -> str:
    with translation.override(language or settings.LANGUAGE_CODE):
        return _(
            "The worker running this job stopped before it finished, so nothing was written. Start it again;"
            " if it stops again, ask your administrator."
        )


def _alive_here(worker_ids: set[str]) -> set[str]:
    """Of these workers, those running on this machine as a live process.

    On SQLite an import's write transaction holds the database's write lock, so no heartbeat can be written while
    it lasts: a silent worker on this machine is asked directly. (A worker on another machine shares a PostgreSQL
    database, where heartbeats are never blocked so; its silence is its death.)
    """
    here = socket.gethostname()
    alive = set()
    for worker in WorkerProcess.objects.filter(id__in=worker_ids, host=here[:255]):
        try:
            os.kill(worker.pid, 0)
        except ProcessLookupError:
            continue
        except PermissionError:  # a process of another user: alive
            pass
        alive.add(worker.id)
    return alive


def jobs_fail_stale(*, now: datetime | None = None) -> int:
    """Fail every running job whose heartbeat is older than ZONELEDGER_JOB_STALE_SECONDS and whose worker is not a
    live process on this machine: its worker died, and its work's transaction went with it. Returns how many."""
    now = now or timezone.now()
    limit = now - timedelta(seconds=settings.ZONELEDGER_JOB_STALE_SECONDS)
    silent = Job.objects.filter(state=JobState.RUNNING, heartbeat_at__lt=limit)
    candidates = dict(silent.values_list("pk", "worker"))  # a read first: the job page calls this on every poll,
    if not candidates:  # and on SQLite a write waits for the write lock, which an import may hold
        return 0
    alive = _alive_here(set(candidates.values()))
    stale = silent.filter(pk__in=[pk for pk, worker in candidates.items() if worker not in alive])
    failed = 0
    for language in stale.values_list("language", flat=True).distinct():
        failed += stale.filter(language=language).update(
            state=JobState.FAILED, message=_stopped_message(language), finished_at=now
        )
    return failed


def worker_register(*, worker_id: str, host: str, pid: int, concurrency: int) -> None:
    WorkerProcess.objects.update_or_create(
        id=worker_id, defaults={"host": host[:255], "pid": pid, "concurrency": concurrency}
    )


def worker_heartbeat(*, worker_id: str) -> None:
    """The worker and its running jobs are alive."""
    now = timezone.now()
    with transaction.atomic():
        WorkerProcess.objects.filter(id=worker_id).update(heartbeat_at=now)
        Job.objects.filter(worker=worker_id, state=JobState.RUNNING).update(heartbeat_at=now)


def worker_unregister(*, worker_id: str) -> None:
    WorkerProcess.objects.filter(id=worker_id).delete()


def workers_forget_stale(*, now: datetime | None = None) -> list[str]:
    """Remove the rows of workers silent for longer than ZONELEDGER_JOB_STALE_SECONDS; their ids."""
    limit = (now or timezone.now()) - timedelta(seconds=settings.ZONELEDGER_JOB_STALE_SECONDS)
    silent = set(WorkerProcess.objects.filter(heartbeat_at__lt=limit).values_list("id", flat=True))
    ids = sorted(silent - _alive_here(silent))
    WorkerProcess.objects.filter(id__in=ids).delete()
    return ids


def job_run(*, job_id: JobId, body: Callable[[Job, Progress], dict[str, Any] | None]) -> None:
    """Run `body(job, progress)` for a queued job in the job's language, recording its result or why it failed.

    A task's whole body: `@task() def import_job(job_id): job_run(job_id=job_id, body=_check_or_apply)`.
    `JobFailed` ends the job with its message; any other exception with "an unexpected problem" (logged in full).
    """
    job = job_begin(job_id=job_id, worker=current_worker.get())
    if job is None:
        return
    try:
        with translation.override(job.language or settings.LANGUAGE_CODE):
            result = body(job, Progress(job))
        job_finish(job_id=job.pk, result=result)
    except JobFailed as failure:
        job_fail(job_id=job.pk, message=str(failure))
    except Exception:
        logger.exception("job %s (%s) failed", job.pk, job.kind)
        job_fail(job_id=job.pk, message=_failure_message(job.language))

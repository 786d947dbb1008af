import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .choices import UNFINISHED, JobKind, JobState


class JobQuerySet(models.QuerySet):
    def unfinished(self):
        return self.filter(state__in=UNFINISHED)

    def of(self, user):
        """The jobs `user` started: a job is its owner's alone (anyone else gets a 404, as for a missing job)."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(owner=user)


def upload_path(job, filename):
    # The job's id, not the user's file name: names are shown from `Job.filename`, never trusted as paths.
    return f"jobs/{job.pk}"


class Job(models.Model):
    """A piece of background work and everything the pages show about it, as one row any process can read.

    `done`/`total` is the progress the work reports; `result` is what it found (JSON, kept small by the work
    itself and capped at ZONELEDGER_JOB_RESULT_MAX_BYTES); `message` says, in the owner's language, why a failed
    job failed. `heartbeat_at` is renewed by the worker while the job runs: a running job whose heartbeat is
    older than ZONELEDGER_JOB_STALE_SECONDS belongs to a worker that died, and is marked failed.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), null=True, blank=True, on_delete=models.CASCADE
    )
    kind = models.CharField(_("kind"), max_length=40, choices=JobKind.choices)
    state = models.CharField(_("state"), max_length=10, choices=JobState.choices, default=JobState.QUEUED)
    language = models.CharField(_("language"), max_length=10, blank=True)
    filename = models.CharField(_("file name"), max_length=255, blank=True)
    upload = models.FileField(_("file"), upload_to=upload_path, max_length=200, blank=True)
    parameters = models.JSONField(_("parameters"), default=dict, blank=True)
    done = models.PositiveBigIntegerField(_("done"), default=0)
    total = models.PositiveBigIntegerField(_("total"), default=0)
    result = models.JSONField(_("result"), null=True, blank=True)
    message = models.TextField(_("message"), blank=True)
    task_id = models.CharField(_("task"), max_length=64, blank=True)
    worker = models.CharField(_("worker"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(_("last heartbeat"), null=True, blank=True)

    objects = JobQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("job")
        verbose_name_plural = _("jobs")
        indexes = [
            models.Index(fields=["state", "created_at"], name="jobs_job_state_created"),
            models.Index(fields=["owner", "state"], name="jobs_job_owner_state"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.filename or self.pk} ({self.get_state_display()})"

    @property
    def unfinished(self):
        return self.state in UNFINISHED

    @property
    def percent(self):
        """How far the work is, 0–100, or None while it does not know its total yet."""
        return min(self.done * 100 // self.total, 100) if self.total else None


class WorkerProcess(models.Model):
    """A running `zoneledger worker`: it renews `heartbeat_at` while it lives, and removes its row when it stops.

    The pages read it to tell a queued job's owner whether any worker is there to run it.
    """

    id = models.CharField(primary_key=True, max_length=64)
    host = models.CharField(_("host"), max_length=255, blank=True)
    pid = models.PositiveIntegerField(_("process id"), default=0)
    concurrency = models.PositiveSmallIntegerField(_("concurrency"), default=1)
    started_at = models.DateTimeField(_("started"), default=timezone.now)
    heartbeat_at = models.DateTimeField(_("last heartbeat"), default=timezone.now)

    class Meta:
        verbose_name = _("worker")
        verbose_name_plural = _("workers")

    def __str__(self):
        return f"{self.host}:{self.pid} ({self.id})"


class PeriodicRun(models.Model):
    """When a periodic task (schedule.py) is next due; workers claim a run by moving `due_at` with a conditional
    update, so a task is enqueued once however many workers run."""

    name = models.CharField(_("task"), primary_key=True, max_length=200)
    due_at = models.DateTimeField(_("next due"))
    last_enqueued_at = models.DateTimeField(_("last enqueued"), null=True, blank=True)

    class Meta:
        verbose_name = _("periodic task")
        verbose_name_plural = _("periodic tasks")

    def __str__(self):
        return self.name

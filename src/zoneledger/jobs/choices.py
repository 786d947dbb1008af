from django.db import models
from django.utils.translation import gettext_lazy as _


class JobState(models.TextChoices):
    """queued → running → done | failed; a queued or running job of a worker that died becomes failed."""

    QUEUED = "queued", _("Waiting")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


UNFINISHED = (JobState.QUEUED, JobState.RUNNING)


class JobKind(models.TextChoices):
    """What a job does. A new kind of background work adds its name here (and a migration for the choices)."""

    IMPORT_CHECK = "import_check", _("Import check")
    IMPORT_APPLY = "import_apply", _("Import")

from django.db import models
from django.utils.translation import gettext_lazy as _


class Stage(models.TextChoices):
    """The lifecycle, in order; `terminated` may follow any stage and ends the project."""

    PIPELINE = "pipeline", _("Pipeline (谋划)")
    SIGNED = "signed", _("Signed (签约)")
    STARTED = "started", _("Started (开工)")
    COMMISSIONED = "commissioned", _("Commissioned (投产)")
    AT_CAPACITY = "at_capacity", _("At capacity (达产)")
    TERMINATED = "terminated", _("Terminated (终止)")


# Keyed by the stored value: a Stage is a str, and events hold plain strings.
STAGE_ORDER: dict[str, int] = {stage: position for position, stage in enumerate(Stage)}

LIFECYCLE: tuple[Stage, ...] = (Stage.PIPELINE, Stage.SIGNED, Stage.STARTED, Stage.COMMISSIONED, Stage.AT_CAPACITY)


def stage_and_later(stage: str) -> tuple[Stage, ...]:
    """`stage` and the lifecycle's stages after it: an event of any of them means `stage` was reached.

    `terminated` ends a project at any stage, so it is no later stage of anything.
    """
    return LIFECYCLE[LIFECYCLE.index(Stage(stage)) :]


class KeyLevel(models.TextChoices):
    NONE = "", _("Not a key project")
    COUNTY = "county", _("County key project")
    CITY = "city", _("City key project")
    PROVINCE = "province", _("Provincial key project")
    NATIONAL = "national", _("National key project")


class ProgressStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    APPROVED = "approved", _("Approved")
    RETURNED = "returned", _("Returned")

from django.db import models
from django.utils.translation import gettext_lazy as _


class MilestoneKind(models.TextChoices):
    """What a milestone marks: a step of the approvals, a node of the works, or a stage the project must reach."""

    APPROVAL = "approval", _("Approval step")
    CONSTRUCTION = "construction", _("Construction node")
    STAGE_TARGET = "stage_target", _("Stage target")


class Light(models.TextChoices):
    """A milestone's traffic light, always shown with its words (never by colour alone)."""

    GREEN = "green", _("On time")
    YELLOW = "yellow", _("Due soon")
    RED = "red", _("Overdue")
    GREY = "grey", _("Done")


# Worst first: a project's light is its worst open milestone's.
LIGHT_SEVERITY = {Light.RED: 3, Light.YELLOW: 2, Light.GREEN: 1, Light.GREY: 0}

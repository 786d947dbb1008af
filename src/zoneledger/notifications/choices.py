from django.db import models
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    """What a notification tells (DOMAIN.md §9, issue 15): each has its words in `messages.text`."""

    PROBLEM_ASSIGNED = "problem_assigned", _("Problem assigned")
    PROBLEM_DUE = "problem_due", _("Deadline due")
    PROBLEM_ESCALATED = "problem_escalated", _("Problem escalated")
    PROBLEMS_ESCALATED = "problems_escalated", _("Problems escalated")
    REPORT_RETURNED = "report_returned", _("Report returned")

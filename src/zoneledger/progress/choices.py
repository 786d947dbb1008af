from django.db import models
from django.utils.translation import gettext_lazy as _


class ReportState(models.TextChoices):
    """Where one version of a monthly report stands (DOMAIN §9: 填报 → 审核)."""

    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    APPROVED = "approved", _("Approved")
    RETURNED = "returned", _("Returned")


# A version still being worked on: at most one per project and month (a database constraint says so).
OPEN_STATES: tuple[str, ...] = (ReportState.DRAFT, ReportState.SUBMITTED, ReportState.RETURNED)


class Verb(models.TextChoices):
    """What a person does to a report; `workflow.TRANSITIONS` says from which state to which."""

    SAVE = "save", _("Save as draft")
    SUBMIT = "submit", _("Submit")
    APPROVE = "approve", _("Approve")
    RETURN = "return", _("Return")

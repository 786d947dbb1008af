from django.db import models
from django.utils.translation import gettext_lazy as _


class Category(models.TextChoices):
    """The categories every province has (DOMAIN.md §9); a province adds its own (`ProblemCategory`)."""

    LAND = "land", _("Land (用地)")
    PLANNING = "planning", _("Planning (规划)")
    ENVIRONMENT = "environment", _("Environmental assessment (环评)")
    ENERGY = "energy", _("Energy assessment (能评)")
    FUNDING = "funding", _("Funding (资金)")
    LABOUR = "labour", _("Labour (用工)")
    UTILITIES = "utilities", _("Water, power, gas and heat (水电气热)")
    APPROVALS = "approvals", _("Approval procedures (审批手续)")
    DEMOLITION = "demolition", _("Land requisition and demolition (征拆)")
    OTHER = "other", _("Other (其他)")


class Level(models.TextChoices):
    ORDINARY = "ordinary", _("Ordinary")
    MAJOR = "major", _("Major")


class State(models.TextChoices):
    """raised → planned → replied → solved → closed (销号); reopened from solved or closed, then solved again."""

    RAISED = "raised", _("Raised")
    PLANNED = "planned", _("Planned (研究部署)")
    REPLIED = "replied", _("Replied")
    SOLVED = "solved", _("Solved")
    CLOSED = "closed", _("Closed (销号)")
    REOPENED = "reopened", _("Reopened")


OPEN_STATES = (State.RAISED, State.PLANNED, State.REPLIED, State.REOPENED)


class Step(models.TextChoices):
    """What happens to a problem: each is a row of its history."""

    RAISE = "raise", _("Raised")
    PLAN = "plan", _("Planned")
    REPLY = "reply", _("Replied")
    SOLVE = "solve", _("Solved")
    CLOSE = "close", _("Closed")
    REOPEN = "reopen", _("Reopened")
    ESCALATE = "escalate", _("Escalated")


class Tier(models.TextChoices):
    """The org level a problem sits at now: it starts at its zone and escalates zone → city → province."""

    ZONE = "zone", _("Zone")
    CITY = "city", _("City")
    PROVINCE = "province", _("Province")


TIER_ORDER: tuple[str, ...] = (Tier.ZONE, Tier.CITY, Tier.PROVINCE)


class Deadline(models.TextChoices):
    PLAN = "plan", _("Plan")
    REPLY = "reply", _("First reply")
    SOLVE = "solve", _("Solve")  # the deadline to solve by, not the state "Solved"


class DeadlineStatus(models.TextChoices):
    ON_TIME = "on_time", _("On time")
    DUE = "due", _("Due")
    OVERDUE = "overdue", _("Overdue")
    MET = "met", _("Met")


class Colour(models.TextChoices):
    """A problem's colour is its worst open deadline's; pages always show its words beside it."""

    GREEN = "green", _("On time")
    YELLOW = "yellow", _("Due within a working day")
    RED = "red", _("Overdue")

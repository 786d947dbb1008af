"""The problems' periodic tasks: escalating what is overdue for solving, and telling owners what is due tomorrow."""

from datetime import timedelta

from django.tasks import task
from django.utils import timezone

from zoneledger.jobs.schedule import periodic

from . import services


@periodic(every=timedelta(hours=1))
@task()
def problems_escalate() -> int:
    """Escalate the open problems past their solve deadline today (`services.problem_escalate`); how many moved.

    It runs hourly so that a worker started mid-day escalates the same day; escalation is idempotent, so the
    runs after the first of a day find nothing to do."""
    return services.problem_escalate(as_of=timezone.localdate()).problems


@periodic(every=timedelta(hours=1))
@task()
def problems_remind() -> int:
    """Tell the owners of open problems whose deadline is the next working day (`services.problem_remind`); each
    deadline is told once, so the hourly runs after the first of a day add nothing."""
    return services.problem_remind(as_of=timezone.localdate())

"""The worker's task that writes notifications after the change that caused them has committed."""

from typing import Any

from django.tasks import task

from . import services


@task()
def notifications_deliver(notices: list[dict[str, Any]]) -> int:
    """Write (and e-mail, where configured) the notices `services.notify` queued; how many notifications."""
    return services.notifications_deliver(notices=[services.Notice(**notice) for notice in notices])

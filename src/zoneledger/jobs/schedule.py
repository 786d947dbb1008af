"""Periodic tasks: a small registry the worker reads, and the claim that enqueues each one once when it is due.

Declare one in your app's `tasks.py` (the worker imports every installed app's `tasks` module):

    @periodic(every=timedelta(hours=1))
    @task()
    def audit_checkpoint() -> None: ...

A periodic task takes no arguments. However many workers run, a due task is enqueued once: the worker that moves
its `PeriodicRun.due_at` forward with a conditional update enqueues it. A task first runs one interval after the
first worker saw it (not at start-up: restarting workers must not run everything again). Times drift by at
most the worker's poll interval.
"""

import contextlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import IntegrityError
from django.tasks import Task
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules

from .models import PeriodicRun


@dataclass(frozen=True)
class Periodic:
    task: Task
    every: timedelta


_registry: dict[str, Periodic] = {}


def periodic(*, every: timedelta):
    """Register the task (a `django.tasks` Task, so put this above `@task()`) to run every `every`."""
    if every < timedelta(seconds=1):
        raise ValueError("a periodic task runs at most once a second")

    def register(task: Task) -> Task:
        if not isinstance(task, Task):
            raise TypeError("@periodic goes above @task(): it registers a task")
        _registry[task.module_path] = Periodic(task=task, every=every)
        return task

    return register


def registered() -> dict[str, Periodic]:
    """Every periodic task, by its module path (after `discover()`)."""
    return dict(_registry)


def discover() -> None:
    """Import every installed app's `tasks` module, so their periodic tasks are registered."""
    autodiscover_modules("tasks")


def run_due(*, now: datetime | None = None) -> list[str]:
    """Enqueue each periodic task that is due (and claimed by this call); their names."""
    now = now or timezone.now()
    enqueued = []
    for name, entry in _registry.items():
        run = PeriodicRun.objects.filter(name=name).first()
        if run is None:
            with contextlib.suppress(IntegrityError):  # another worker created it first
                PeriodicRun.objects.create(name=name, due_at=now + entry.every)
            continue
        if run.due_at > now:
            continue
        claimed = PeriodicRun.objects.filter(name=name, due_at=run.due_at).update(
            due_at=_next_due(run.due_at, entry.every, now), last_enqueued_at=now
        )
        if claimed:
            entry.task.enqueue()
            enqueued.append(name)
    return enqueued


def _next_due(due_at: datetime, every: timedelta, now: datetime) -> datetime:
    """The first time after `now` on the task's grid: a worker that was down for a day runs a task once, not 24×."""
    missed = (now - due_at) // every
    return due_at + (missed + 1) * every

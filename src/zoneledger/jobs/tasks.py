"""The jobs app's own periodic task: forgetting finished jobs, their uploads and the task rows."""

from datetime import timedelta

from django.conf import settings
from django.tasks import task
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from .choices import UNFINISHED
from .models import Job
from .schedule import periodic


@periodic(every=timedelta(hours=1))
@task()
def jobs_prune() -> int:
    """Remove finished jobs older than ZONELEDGER_JOB_KEEP_HOURS with their files (uploads hold ledger data),
    and the backend's rows of finished tasks as old. Returns how many jobs went."""
    limit = timezone.now() - timedelta(hours=settings.ZONELEDGER_JOB_KEEP_HOURS)
    old = Job.objects.exclude(state__in=UNFINISHED).filter(created_at__lt=limit)
    removed = 0
    for job in old.iterator():
        if job.upload:
            job.upload.delete(save=False)
        job.delete()
        removed += 1
    DBTaskResult.objects.finished().filter(finished_at__lt=limit).delete()
    return removed

"""The import's background work: checking (a dry run) or applying an uploaded workbook, as a job.

The page stores the upload with the job (`jobs.services.job_start`) and shows the job's row; the worker runs
`import_job`, which reads the file, imports it as the job's owner and keeps the summary as the job's result.
"""

import contextlib
import shutil
import tempfile

from django.tasks import task

from zoneledger.jobs.choices import JobKind
from zoneledger.jobs.models import Job
from zoneledger.jobs.services import job_run

from .columns import LEDGER_SHEET, MONTHLY_SHEET
from .importer import import_workbook

# The errors a job's result keeps (the importer caps them per column first); the page says how many there were.
ERRORS_KEPT = 2000


@task()
def import_job(job_id: str) -> None:
    """Check or apply (as the job's kind says) the workbook uploaded with job `job_id`."""
    job_run(job_id=job_id, body=_check_or_apply)


def _check_or_apply(job, progress):
    with _local_file(job.upload) as path:
        result = import_workbook(
            file=path,
            user=job.owner,
            dry_run=job.kind == JobKind.IMPORT_CHECK,
            language=job.language,
            progress=progress,
            filename=job.filename,
            approve=bool(job.parameters.get("approve")) and job.owner.can_review,
        )
    if result.applied:  # the upload holds ledger data: once imported it is of no more use
        job.upload.delete(save=False)
        Job.objects.filter(pk=job.pk).update(upload="")
    return summarise(result)


@contextlib.contextmanager
def _local_file(field):
    """A path on this machine to the stored file: its own with a folder storage, else a temporary copy."""
    try:
        path = field.path
    except NotImplementedError:
        path = None
    if path is not None:
        yield path
        return
    with field.open("rb") as stored, tempfile.NamedTemporaryFile(suffix=".upload") as copy:
        shutil.copyfileobj(stored, copy)
        copy.flush()
        yield copy.name


def summarise(result):
    """An ImportResult as JSON: counts per sheet and outcome, the first ERRORS_KEPT errors as (sheet, row,
    column, message), and how many errors there were in all."""
    return {
        "ok": result.ok,
        "applied": result.applied,
        "sheets": [
            {"sheet": sheet}
            | {outcome: result.count(outcome, sheet) for outcome in ("created", "updated", "unchanged")}
            for sheet in (LEDGER_SHEET, MONTHLY_SHEET)
        ],
        "events_added": result.events_added,
        "errors": [[error.sheet, error.row, error.column, error.message] for error in result.errors[:ERRORS_KEPT]],
        "errors_total": getattr(result, "errors_total", len(result.errors)),
    }

"""The import page: upload a workbook, see the dry run's every error by row and column, fix and re-upload, confirm.

A check or an import runs in a background thread, so a large file shows its progress instead of a frozen
page. Each upload is a job: a folder holding the file and a `status.json` the thread rewrites as it goes,
so whichever server process answers the page's polling can read it. A job belongs to the user who
uploaded it; anyone else gets a 404, as for a job that does not exist.
"""

import io
import json
import logging
import os
import re
import secrets
import shutil
import threading
import time
from pathlib import Path

from django.conf import settings
from django.contrib.auth.mixins import LoginRequiredMixin, UserPassesTestMixin
from django.core.paginator import Paginator
from django.db import connection
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView, TemplateView

from zoneledger.core.errors import NotFound
from zoneledger.core.http import hx_redirect, is_partial, xlsx_response

from .columns import LEDGER_SHEET, MONTHLY_SHEET
from .forms import UploadForm
from .importer import import_workbook
from .writer import write_template_xlsx

logger = logging.getLogger(__name__)

TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{22,64}$")
JOB_LIFETIME_SECONDS = 24 * 3600
# A running job reports after every chunk of rows; one silent this long died with its server process.
STALLED_SECONDS = 300
CHECK, APPLY = "check", "apply"
RUNNING, DONE, FAILED = "running", "done", "failed"


def jobs_root():
    return Path(settings.ZONELEDGER_IMPORT_DIR)


def summarise(result):
    """An ImportResult as JSON: counts per sheet and outcome, and every error as (sheet, row, column, message)."""
    return {
        "ok": result.ok,
        "applied": result.applied,
        "sheets": [
            {"sheet": sheet}
            | {outcome: result.count(outcome, sheet) for outcome in ("created", "updated", "unchanged")}
            for sheet in (LEDGER_SHEET, MONTHLY_SHEET)
        ],
        "events_added": result.events_added,
        "errors": [[error.sheet, error.row, error.column, error.message] for error in result.errors],
    }


class ImportJob:
    """One uploaded workbook and the state of its check or import, kept in files under `jobs_root()`."""

    def __init__(self, token):
        self.token = token
        self.folder = jobs_root() / token
        self.status_path = self.folder / "status.json"

    @classmethod
    def create(cls, *, user, upload):
        """Store the upload for `user` under a new unguessable token."""
        cls.forget_old()
        job = cls(secrets.token_urlsafe(24))
        job.folder.mkdir(parents=True)
        with open(job.upload_path, "wb") as handle:
            for chunk in upload.chunks():
                handle.write(chunk)
        job.write({"user": user.pk, "filename": Path(upload.name).name, "mode": CHECK, "state": RUNNING})
        return job

    @classmethod
    def get(cls, token, *, user):
        """The job `token` of `user`; 404 for a malformed token, a missing job or another user's."""
        if not TOKEN_RE.match(token):
            raise NotFound
        job = cls(token)
        try:
            status = job.status
        except FileNotFoundError:
            raise NotFound from None
        if status["user"] != user.pk:
            raise NotFound
        return job

    @classmethod
    def forget_old(cls):
        """Remove jobs older than a day: their files are of no more use, and uploads hold ledger data."""
        root = jobs_root()
        if not root.is_dir():
            return
        limit = time.time() - JOB_LIFETIME_SECONDS
        for folder in root.iterdir():
            if folder.is_dir() and folder.stat().st_mtime < limit:
                shutil.rmtree(folder, ignore_errors=True)

    @property
    def upload_path(self):
        return self.folder / "upload"

    @property
    def status(self):
        status = json.loads(self.status_path.read_text(encoding="utf-8"))
        if status["state"] == RUNNING and time.time() - self.status_path.stat().st_mtime > STALLED_SECONDS:
            # Its transaction went with the process, so nothing was written: say so instead of polling forever.
            status["state"] = FAILED
        return status

    def write(self, status):
        # Write then rename, so a reader never sees half a file.
        partial = self.folder / f"status.{threading.get_ident()}.tmp"
        partial.write_text(json.dumps(status, ensure_ascii=False), encoding="utf-8")
        os.replace(partial, self.status_path)

    def update(self, **changes):
        self.write(self.status | changes)

    def claim_apply(self):
        """True exactly once: a second confirmation (a double click, two tabs) does not import twice."""
        try:
            os.close(os.open(self.folder / "apply.claimed", os.O_CREAT | os.O_EXCL | os.O_WRONLY))
        except FileExistsError:
            return False
        return True

    def start(self, *, user, mode, language):
        """Check (dry run) or apply the upload as `user`, in a thread unless settings say to run inline."""
        self.update(mode=mode, state=RUNNING, done=0, total=0, result=None)
        if settings.ZONELEDGER_IMPORT_BACKGROUND:
            threading.Thread(target=self.run, args=(user, mode, language), daemon=True).start()
        else:
            self.run(user, mode, language)

    def run(self, user, mode, language):
        try:
            result = import_workbook(
                file=self.upload_path,
                user=user,
                dry_run=mode == CHECK,
                language=language,
                progress=lambda done, total: self.update(done=done, total=total),
                filename=self.status["filename"],
            )
            self.update(state=DONE, result=summarise(result))
            if result.applied:
                self.upload_path.unlink(missing_ok=True)
        except Exception:
            logger.exception("import job %s failed", self.token)
            self.update(state=FAILED)
        finally:
            if threading.current_thread() is not threading.main_thread():
                connection.close()


class EditorRequiredMixin(LoginRequiredMixin, UserPassesTestMixin):
    """Importing writes the ledger: editors and above; a viewer gets 403."""

    def test_func(self):
        user = self.request.user
        return user.can_edit and user.reads_business_data


class UploadView(EditorRequiredMixin, FormView):
    """The upload form; a valid upload becomes a job whose check starts at once."""

    template_name = "ingest/upload.html"
    form_class = UploadForm

    def get_template_names(self):
        if is_partial(self.request):
            return [f"{self.template_name}#upload-form"]
        return [self.template_name]

    def form_valid(self, form):
        job = ImportJob.create(user=self.request.user, upload=form.cleaned_data["file"])
        job.start(user=self.request.user, mode=CHECK, language=translation.get_language())
        return hx_redirect(self.request, reverse("ingest:job", args=[job.token]))


class JobView(EditorRequiredMixin, TemplateView):
    """A job's progress while it runs (the page polls with htmx), then its result: counts, errors, next step."""

    template_name = "ingest/job.html"
    errors_per_page = 200

    def get_template_names(self):
        if is_partial(self.request):
            return [f"{self.template_name}#status"]
        return [self.template_name]

    def get_context_data(self, **kwargs):
        job = ImportJob.get(self.kwargs["token"], user=self.request.user)
        status = job.status
        result = status.get("result") or {}
        errors = Paginator(result.get("errors", []), self.errors_per_page).get_page(self.request.GET.get("page"))
        return super().get_context_data(**kwargs) | {
            "job": job,
            "status": status,
            "running": status["state"] == RUNNING,
            "percent": status.get("done", 0) * 100 // status["total"] if status.get("total") else None,
            "result": result,
            "errors": errors,
            "upload_form": UploadForm(),
        }


class ConfirmView(EditorRequiredMixin, View):
    """Apply a job whose check passed. The import checks every row again: the ledger may have changed since."""

    def post(self, request, token):
        job = ImportJob.get(token, user=request.user)
        status = job.status
        checked = status["mode"] == CHECK and status["state"] == DONE and status["result"]["ok"]
        if checked and job.claim_apply():
            job.start(user=request.user, mode=APPLY, language=translation.get_language())
        return hx_redirect(request, reverse("ingest:job", args=[token]))


class TemplateDownloadView(EditorRequiredMixin, View):
    """The empty template with its 填报说明 sheet and drop-downs."""

    def get(self, request):
        buffer = io.BytesIO()
        write_template_xlsx(file=buffer)
        return xlsx_response(buffer, _("ledger-template.xlsx"))

"""The workbook pages: the ledger's export, and the import page — upload a workbook, see the check's every error
by row and column, fix and re-upload, confirm.

An upload becomes a job (`zoneledger.jobs`): a row holding the file, its progress and its result, checked and
then applied by `zoneledger worker`, a bounded number at a time, so no web process reads a workbook. The page
polls the job's row. A job belongs to the user who uploaded it; anyone else gets a 404, as for a job that does
not exist.
"""

import io
import tempfile
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin, UserPassesTestMixin
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.http import require_GET
from django.views.generic import FormView, TemplateView

from zoneledger.accounts.scope import user_scope
from zoneledger.audit import services as audit
from zoneledger.core.http import XLSX_CONTENT_TYPE, hx_redirect, is_partial, xlsx_response
from zoneledger.jobs import selectors as jobs
from zoneledger.jobs.choices import JobKind, JobState
from zoneledger.jobs.services import job_requeue, job_start
from zoneledger.projects import selectors as projects

from .approvals import import_approvals, write_approvals_template
from .forms import ApprovalsUploadForm, UploadForm
from .tasks import import_job
from .writer import TooLarge, write_ledger_xlsx, write_template_xlsx

IMPORT_KINDS = (JobKind.IMPORT_CHECK, JobKind.IMPORT_APPLY)


class EditorRequiredMixin(LoginRequiredMixin, UserPassesTestMixin):
    """Importing writes the ledger: editors and above; a viewer gets 403."""

    def test_func(self):
        user = self.request.user
        return user.can_edit and user.reads_business_data


class UploadView(EditorRequiredMixin, FormView):
    """The upload form; a valid upload becomes a job whose check is queued at once."""

    template_name = "ingest/upload.html"
    form_class = UploadForm

    def get_template_names(self):
        if is_partial(self.request):
            return [f"{self.template_name}#upload-form"]
        return [self.template_name]

    def form_valid(self, form):
        limit = settings.ZONELEDGER_IMPORT_JOBS_PER_USER
        if jobs.jobs_unfinished(user=self.request.user, kinds=IMPORT_KINDS) >= limit:
            form.add_error(
                "file",
                _("You have %(count)d imports waiting or running; upload again when one of them has finished.")
                % {"count": limit},
            )
            return self.form_invalid(form)
        upload = form.cleaned_data["file"]
        approve = form.cleaned_data.get("approve", False)
        if approve and not self.request.user.can_review:
            form.add_error("approve", _("Only a reviewer may approve monthly reports."))
            return self.form_invalid(form)
        job = job_start(
            owner=self.request.user,
            kind=JobKind.IMPORT_CHECK,
            task=import_job,
            upload=upload,
            filename=Path(upload.name).name,
            parameters={"approve": True} if approve else None,
            language=translation.get_language(),
        )
        return hx_redirect(self.request, reverse("ingest:job", args=[job.pk]))


class JobView(EditorRequiredMixin, TemplateView):
    """A job while it waits or runs (the page polls with htmx), then its result: counts, errors, next step."""

    template_name = "ingest/job.html"
    errors_per_page = 200

    def get_template_names(self):
        if is_partial(self.request):
            return [f"{self.template_name}#status"]
        return [self.template_name]

    def get_context_data(self, **kwargs):
        job = jobs.job_get(user=self.request.user, pk=self.kwargs["pk"], kinds=IMPORT_KINDS)
        result = job.result or {}
        errors = Paginator(result.get("errors", []), self.errors_per_page).get_page(self.request.GET.get("page"))
        queued = job.state == JobState.QUEUED
        return super().get_context_data(**kwargs) | {
            "job": job,
            "mode": "check" if job.kind == JobKind.IMPORT_CHECK else "apply",
            "running": job.unfinished,
            "queued": queued,
            "ahead": jobs.jobs_ahead(job=job) if queued else 0,
            "no_worker": queued and not jobs.workers_alive(),
            "percent": job.percent,
            "result": result,
            "errors": errors,
            "errors_total": result.get("errors_total", errors.paginator.count),
            "upload_form": UploadForm(),
        }


class ConfirmView(EditorRequiredMixin, View):
    """Apply a job whose check passed, once. The import checks every row again: the ledger may have changed since."""

    def post(self, request, pk):
        job = jobs.job_get(user=request.user, pk=pk, kinds=IMPORT_KINDS)
        checked = Q(kind=JobKind.IMPORT_CHECK, state=JobState.DONE, result__ok=True)
        job_requeue(job=job, kind=JobKind.IMPORT_APPLY, task=import_job, only_if=checked)
        return hx_redirect(request, reverse("ingest:job", args=[job.pk]))


class TemplateDownloadView(EditorRequiredMixin, View):
    """The empty template with its 填报说明 sheet and drop-downs."""

    def get(self, request):
        buffer = io.BytesIO()
        write_template_xlsx(file=buffer, user=request.user)
        return xlsx_response(buffer, _("ledger-template.xlsx"))


class ApprovalsImportView(EditorRequiredMixin, FormView):
    """The approval platform's workbook, imported as it is uploaded (one sheet of a zone's items, small beside a
    ledger): every error by row and column with nothing written, or the counts and the unmatched items' list."""

    template_name = "ingest/approvals_import.html"
    form_class = ApprovalsUploadForm

    def form_valid(self, form):
        upload, dry_run = form.cleaned_data["file"], form.cleaned_data["dry_run"]
        result = import_approvals(file=upload, user=self.request.user, dry_run=dry_run, filename=Path(upload.name).name)
        if result.applied:
            messages.success(self.request, _("Imported: %(summary)s") % {"summary": result.summary()})
            return redirect(reverse("approvals:approval_list") + ("?unmatched=1" if result.unmatched else ""))
        errors = [(error.sheet, error.row, error.column, error.message) for error in result.errors]
        return render(self.request, self.template_name, {"form": form, "result": result, "errors": errors})


class ApprovalsTemplateView(EditorRequiredMixin, View):
    """The approval platform's workbook, empty, with its drop-downs and 填报说明."""

    def get(self, request):
        buffer = io.BytesIO()
        write_approvals_template(file=buffer)
        return xlsx_response(buffer, _("approvals-template.xlsx"))


@login_required
@require_GET
def ledger_export(request):
    """Exactly the ledger's filtered rows (all pages, in its order), as the import template's workbook."""
    # On disk, not in memory: a province's ledger is large. Closing the file deletes it.
    ledger = projects.project_filter(user=request.user, data=request.GET).qs
    workbook = tempfile.TemporaryFile()  # noqa: SIM115 (the response closes it)
    try:
        rows, _months = write_ledger_xlsx(
            projects_queryset=ledger, file=workbook, scope_name=user_scope(request.user).name
        )
    except TooLarge as refused:
        workbook.close()
        messages.error(request, str(refused))
        query = request.GET.urlencode()
        return redirect(reverse("projects:project_list") + (f"?{query}" if query else ""))
    filters = {key: value for key, value in request.GET.items() if key != "page"}
    audit.record_export(actor=request.user, what="ledger", count=rows, filters=filters)
    workbook.seek(0)
    filename = f"{_('ledger')}-{timezone.localdate():%Y%m%d}.xlsx"
    return FileResponse(workbook, as_attachment=True, filename=filename, content_type=XLSX_CONTENT_TYPE)

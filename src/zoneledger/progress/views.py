"""The monthly report's pages: a zone's month, the form of one month, the reviewer's queue, a project's reports.

Thin: they read through `selectors` (scoped; out of scope is a 404) and write through `services`; a refusal of
the services is shown on the form and nothing is written.
"""

import io
import re
from dataclasses import dataclass
from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from zoneledger.accounts.scope import zone_is_writable
from zoneledger.core.attachments import attachment_response
from zoneledger.core.errors import BulkRefused, DomainError
from zoneledger.core.http import hx_redirect, is_partial, partial_template, xlsx_response
from zoneledger.projects import selectors as projects
from zoneledger.zones.models import Zone

from . import selectors, services
from .choices import ReportState
from .exports import write_plan_xlsx
from .forms import STATE_LABELS, MonthEntryForm, PlanForm, ReportForm, ReviewForm
from .models import ReportVersion

# The reviewer's queue shows this many reports a page (as the ledger does); a province's month is thousands.
QUEUE_PAGE_SIZE = 50


def _add_errors(form, error):
    """A service's refusal on the form: ValidationError on its fields, a domain error above the form."""
    if isinstance(error, DomainError):
        form.add_error(None, error.message)
    elif hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else NON_FIELD_ERRORS, errors)
    else:
        form.add_error(None, error)


def _zone_id(request):
    text = request.GET.get("zone", "")
    return int(text) if text.isdigit() else None


def _month_url(month, zone_id=None):
    query = {"month": f"{month:%Y-%m}"} | ({"zone": zone_id} if zone_id else {})
    return f"{reverse('progress:month')}?{urlencode(query)}"


@dataclass
class EntryRow:
    """A row of the zone's month page as shown: the project's month and, where the user writes its zone, the form
    that enters it in place (bound to what the person sent, else holding what stands); `done` says what the row's
    last action did."""

    row: selectors.MonthRow
    form: MonthEntryForm | None
    done: str = ""


def _entry_rows(user, rows, *, data=None, forms=None) -> list[EntryRow]:
    """The page's rows with their forms: `forms` (already checked) first, else bound to `data` when it holds the
    row, else filled with the month as it stands. No query."""
    forms = forms or {}
    entries = []
    for row in rows:
        pk = row.project.pk
        form = forms.get(pk)
        if form is None and zone_is_writable(user, row.project.zone):
            prefix = MonthEntryForm.prefix_of(pk)
            if data is not None and f"{prefix}-amount" in data:
                form = MonthEntryForm(data, prefix=prefix)
            else:
                form = MonthEntryForm(
                    prefix=prefix, initial={"amount": row.amount, "physical_progress": row.physical_progress}
                )
        entries.append(EntryRow(row, form))
    return entries


def _render_month(request, *, month, zone_id, data=None, forms=None, error="", status=200):
    """The zone's month (the rows alone for htmx), its rows' forms bound to `data` or `forms` when a write of the
    page was refused, with `error` above them."""
    rows = selectors.month_rows(user=request.user, month=month, zone_id=zone_id)
    rows = selectors.month_rows_beside(rows=rows, month=month)
    counts = dict.fromkeys(STATE_LABELS, 0)
    for row in rows:
        counts[row.state] = counts.get(row.state, 0) + 1
    entries = _entry_rows(request.user, rows, data=data, forms=forms)
    context = {
        "month": month,
        "previous": date(month.year - (month.month == 1), (month.month - 2) % 12 + 1, 1),
        "next": date(month.year + (month.month == 12), month.month % 12 + 1, 1),
        "rows": rows,
        "entries": entries,
        "counts": [(STATE_LABELS[state], state, count) for state, count in counts.items()],
        "zones": Zone.objects.visible_to(request.user).order_by("name"),
        "zone_id": zone_id,
        "writable": any(entry.form is not None for entry in entries),
        "labels": STATE_LABELS,
        "error": error,
    }
    return render(request, partial_template(request, "progress/month.html", "rows"), context, status=status)


@login_required
@require_GET
def month_page(request):
    """本月填报: every project in the user's scope that must report the month, its plan, last month, state and
    amount; where the user writes the zone, the month entered in place, one row or all at once."""
    return _render_month(request, month=selectors.parse_month(request.GET.get("month")), zone_id=_zone_id(request))


def _posted_zone(request):
    text = request.POST.get("zone", "")
    return int(text) if text.isdigit() else None


@login_required
@require_POST
def month_row(request, pk, year, number):
    """One row of the zone's month: save it as a draft or submit it. htmx gets the row back (what it did, or why
    not, in the row); without scripts, the page."""
    project = projects.project_get(user=request.user, pk=pk)
    if not zone_is_writable(request.user, project.zone):
        raise PermissionDenied(_("You may not report monthly progress of %(zone)s.") % {"zone": project.zone})
    month = _month_of(year, number)
    [row] = selectors.month_rows(user=request.user, month=month, project_ids=[pk])
    form = MonthEntryForm(request.POST, prefix=MonthEntryForm.prefix_of(pk))
    form.fields["amount"].required = True
    action = request.POST.get("action")
    valid = form.is_valid()
    if action not in ("save", "submit"):
        form.add_error(None, _("Choose to save the row as a draft or to submit it."))
        valid = False
    done = ""
    if valid:
        write = services.progress_save if action == "save" else services.progress_submit
        try:
            write(
                actor=request.user,
                project=project,
                month=month,
                amount=form.cleaned_data["amount"],
                physical_progress=form.cleaned_data["physical_progress"],
                note=row.note,
            )
        except (ValidationError, DomainError) as error:
            _add_errors(form, error)
        else:
            done = _("Saved as a draft.") if action == "save" else _("Submitted for review.")
            if not is_partial(request):
                messages.success(request, f"{project.name} · {month:%Y-%m}: {done}")
                return hx_redirect(request, _month_url(month, _posted_zone(request)))
    if not is_partial(request):
        return _render_month(request, month=month, zone_id=_posted_zone(request), data=request.POST, forms={pk: form})
    if done:
        [row] = selectors.month_rows(user=request.user, month=month, project_ids=[pk])
        entry = _entry_rows(request.user, [row])[0]
        entry.done = done
    else:
        entry = EntryRow(row, form)
    selectors.month_rows_beside(rows=[entry.row], month=month)
    context = {"entry": entry, "month": month, "labels": STATE_LABELS}
    return render(request, "progress/_month_row.html", context)


# A row's amount on the month page: `p<project>-amount` (MonthEntryForm's prefix).
ENTRY_FIELD = re.compile(r"p(\d+)-amount")


@login_required
@require_POST
def month_submit(request):
    """全部报送: every filled row of the zone's month submitted at once through `progress_submit_bulk` — all or
    nothing: a bad row shows its error in the row and nothing is submitted. A project outside the user's scope is
    a 404."""
    if not request.user.can_edit:
        raise PermissionDenied(_("You may not report monthly progress."))
    month = selectors.parse_month(request.POST.get("month"))
    zone_id = _posted_zone(request)
    ids = {int(match[1]) for key in request.POST if (match := ENTRY_FIELD.fullmatch(key))}
    posted = selectors.month_rows(user=request.user, month=month, project_ids=ids)
    if len(posted) != len(ids):
        raise Http404
    for row in posted:
        if not zone_is_writable(request.user, row.project.zone):
            raise PermissionDenied(_("You may not report monthly progress of %(zone)s.") % {"zone": row.project.zone})
    forms = {
        row.project.pk: MonthEntryForm(request.POST, prefix=MonthEntryForm.prefix_of(row.project.pk)) for row in posted
    }
    filled = [row for row in posted if forms[row.project.pk].filled]
    checked = [forms[row.project.pk].is_valid() for row in filled]  # every row, so each bad one says why
    valid = all(checked)
    error = ""
    if not filled:
        error = _("Nothing to submit: fill in the month's completed investment of a project first.")
    elif valid:
        entries = [
            services.MonthEntry(
                row.project,
                month,
                forms[row.project.pk].cleaned_data["amount"],
                forms[row.project.pk].cleaned_data["physical_progress"],
                row.note,
            )
            for row in filled
        ]
        try:
            result = services.progress_submit_bulk(actor=request.user, entries=entries)
        except BulkRefused as refused:
            for position, refusal in refused.errors.items():
                _add_errors(forms[filled[position].project.pk], refusal)
        except DomainError as refusal:
            error = refusal.message
        else:
            text = _("Submitted for review: %(count)d; unchanged: %(unchanged)d.")
            messages.success(
                request, text % {"count": len(result.created) + len(result.updated), "unchanged": len(result.unchanged)}
            )
            return hx_redirect(request, _month_url(month, zone_id))
    error = error or _("Nothing was submitted: correct the rows marked below.")
    return _render_month(request, month=month, zone_id=zone_id, data=request.POST, forms=forms, error=error)


def _month_of(year, number):
    try:
        return date(year, number, 1)
    except ValueError:
        raise Http404 from None


@login_required
def report_edit(request, pk, year, number):
    """Fill in one month of one project: save a draft or submit it; a returned report shows why it came back."""
    project = projects.project_get(user=request.user, pk=pk)
    if not zone_is_writable(request.user, project.zone):
        raise PermissionDenied(_("You may not report monthly progress of %(zone)s.") % {"zone": project.zone})
    month = _month_of(year, number)
    versions = list(selectors.project_versions(user=request.user, project=project).filter(month=month))
    open_version = next((v for v in versions if v.state != ReportState.APPROVED), None)
    counting = next((v for v in versions if v.state == ReportState.APPROVED and v.counted_until is None), None)
    shown = open_version or counting
    initial = (
        {"amount": shown.amount, "physical_progress": shown.physical_progress, "note": shown.note} if shown else {}
    )
    form = ReportForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        write = services.progress_save if data["action"] == "save" else services.progress_submit
        try:
            write(
                actor=request.user,
                project=project,
                month=month,
                amount=data["amount"],
                physical_progress=data["physical_progress"],
                note=data["note"],
                photos=data["photos"],
            )
        except (ValidationError, DomainError) as error:
            _add_errors(form, error)
        else:
            done = _("Saved as a draft.") if data["action"] == "save" else _("Submitted for review.")
            messages.success(request, f"{project.name} · {month:%Y-%m}: {done}")
            return hx_redirect(request, _month_url(month, project.zone_id))
    context = {
        "project": project,
        "month": month,
        "form": form,
        "open": open_version,
        "counting": counting,
        "versions": versions,
        "back": _month_url(month, project.zone_id),
    }
    return render(request, partial_template(request, "progress/report_form.html", "report-form"), context)


@login_required
@require_GET
def report_photo(request, pk):
    """A report's photo (`?size=thumb`: its thumbnail), to whoever may see the project; 404 to anyone else."""
    photo = selectors.report_photo_get(user=request.user, pk=pk)
    return attachment_response(photo, thumbnail=request.GET.get("size") == "thumb")


@login_required
@require_POST
def report_photo_remove(request, pk):
    """Remove a photo from a report still open (draft, submitted or returned), back to the report's form."""
    photo = selectors.report_photo_get(user=request.user, pk=pk)
    version = photo.version
    back = reverse("progress:report_edit", args=[version.project_id, version.month.year, version.month.month])
    try:
        services.report_photo_remove(actor=request.user, photo=photo)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Photo removed."))
    return hx_redirect(request, back)


@login_required
def review_queue(request):
    """待审核: the submitted reports in the reviewer's scope, by zone and month, a page at a time (the filters stay in
    the pages' links); approve or return many at once."""
    if not request.user.can_review:
        raise PermissionDenied(_("Only a reviewer may approve or return monthly reports."))
    zone_id = _zone_id(request)
    month = selectors.parse_month(request.GET.get("month")) if request.GET.get("month") else None
    queue = selectors.review_queue(user=request.user, zone_id=zone_id, month=month)
    page = Paginator(queue, QUEUE_PAGE_SIZE).get_page(request.GET.get("page"))
    form = ReviewForm(request.POST or None, queue=selectors.review_queue(user=request.user))
    if request.method == "POST" and form.is_valid():
        chosen: list[ReportVersion] = list(form.cleaned_data["versions"])
        approve = form.cleaned_data["action"] == "approve"
        try:
            services.progress_review_bulk(
                actor=request.user, versions=chosen, approve=approve, reason=form.cleaned_data["reason"]
            )
        except (ValidationError, DomainError) as error:
            _add_errors(form, error)
        else:
            text = _("Approved %(count)d reports.") if approve else _("Returned %(count)d reports.")
            messages.success(request, text % {"count": len(chosen)})
            return hx_redirect(request, request.get_full_path())
    context = {
        "page": page,
        "form": form,
        "zones": Zone.objects.visible_to(request.user).order_by("name"),
        "zone_id": zone_id,
        "month": month,
    }
    return render(request, partial_template(request, "progress/queue.html", "queue"), context)


@login_required
@require_GET
def queue_badge(request):
    """待审核 with the count of reports waiting in the reviewer's scope, which the header loads after the page (so no
    page pays a query for it)."""
    if not request.user.can_review:
        raise PermissionDenied(_("Only a reviewer may approve or return monthly reports."))
    return render(request, "progress/_queue_badge.html", {"waiting": selectors.review_count(user=request.user)})


@login_required
@require_GET
def project_reports(request, pk):
    """A project's monthly reports: every month's versions, state and amount, and the history of their review."""
    project = projects.project_get(user=request.user, pk=pk)
    year, _month = _plan_period(request)
    context = {
        "project": project,
        "year": year,
        "year_months": selectors.project_year(user=request.user, project=project, year=year),
        "versions": selectors.project_versions(user=request.user, project=project),
        "transitions": selectors.project_transitions(user=request.user, project=project),
        "writable": zone_is_writable(request.user, project.zone),
        "plan_year": year,  # the plan of the year shown
    }
    return render(request, partial_template(request, "progress/project_reports.html", "reports"), context)


def _plan_period(request):
    today = timezone.localdate()
    year = request.GET.get("year", "")
    month = request.GET.get("month", "")
    year = int(year) if year.isdigit() and 2000 <= int(year) <= 2999 else today.year
    month = int(month) if month.isdigit() and 1 <= int(month) <= 12 else (today.month if year == today.year else 12)
    return year, month


@login_required
@require_GET
def plan_page(request):
    """年度计划 and 序时进度: each planned project's 完成率 to a month, 低于序时进度 flagged; 未按时填报 too."""
    year, month = _plan_period(request)
    zone_id = _zone_id(request)
    rows = selectors.plan_rows(user=request.user, year=year, month=month, zone_id=zone_id)
    late = selectors.late_reports(user=request.user, month=date(year, month, 1), zone_id=zone_id)
    context = {
        "year": year,
        "month": month,
        "rows": rows,
        "late": late,
        "behind": sum(row.behind for row in rows),
        "threshold": selectors.plan_threshold() * 100,
        "due_day": selectors.report_due_day(),
        "zones": Zone.objects.visible_to(request.user).order_by("name"),
        "zone_id": zone_id,
        "months": range(1, 13),
        "query": request.GET.urlencode(),
    }
    return render(request, partial_template(request, "progress/plans.html", "plan-rows"), context)


@login_required
@require_GET
def plan_export(request):
    """The plan page's rows as a workbook that prints on A4."""
    year, month = _plan_period(request)
    zone_id = _zone_id(request)
    rows = selectors.plan_rows(user=request.user, year=year, month=month, zone_id=zone_id)
    late = selectors.late_reports(user=request.user, month=date(year, month, 1), zone_id=zone_id)
    buffer = io.BytesIO()
    write_plan_xlsx(rows, late, buffer, year=year, month=month)
    return xlsx_response(buffer, _("plan-%(year)s-%(month)02d.xlsx") % {"year": year, "month": month})


@login_required
def plan_edit(request, pk, year):
    """Set a project's 年度计划投资 for a year."""
    project = projects.project_get(user=request.user, pk=pk)
    if not zone_is_writable(request.user, project.zone):
        raise PermissionDenied(_("You may not plan investment of %(zone)s.") % {"zone": project.zone})
    if not 2000 <= year <= 2999:
        raise Http404
    plan = selectors.plan_get(user=request.user, project=project, year=year)
    initial = {}
    if plan is not None:
        initial = {"amount": plan.amount, "months": ", ".join(str(m) for m in plan.monthly) if plan.entered else ""}
    form = PlanForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_set(
                actor=request.user,
                project=project,
                year=year,
                amount=form.cleaned_data["amount"],
                months=form.cleaned_data["months"],
            )
        except (ValidationError, DomainError) as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Plan saved."))
            return hx_redirect(request, f"{reverse('progress:plans')}?year={year}&zone={project.zone_id}")
    context = {"project": project, "year": year, "form": form, "plan": plan}
    return render(request, partial_template(request, "progress/plan_form.html", "plan-form"), context)

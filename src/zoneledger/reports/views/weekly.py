"""The weekly dispatch pack (/weekly/): a scope's or a task force's week, as a page and a workbook printing on A4."""

import io
from datetime import timedelta

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from zoneledger.accounts.scope import user_scope, user_scope_in
from zoneledger.audit import services as audit
from zoneledger.core.errors import NotFound
from zoneledger.core.http import document_response, xlsx_response
from zoneledger.problems import selectors as problem_selectors
from zoneledger.problems.forms import AsOfForm
from zoneledger.reports.document import write_weekly_pack_docx
from zoneledger.reports.exports import write_weekly_pack_xlsx
from zoneledger.reports.weekly import pack_parts, weekly_pack


def _pack(request):
    user = request.user
    if not user.reads_business_data:
        raise NotFound
    form = AsOfForm({"as_of": request.GET.get("week", "")})
    day = form.cleaned_data["as_of"] if form.is_valid() and form.cleaned_data["as_of"] else timezone.localdate()
    reference = request.GET.get("scope", "").strip()
    scope = user_scope_in(user, reference) if reference else user_scope(user)
    task_force = None
    if request.GET.get("task_force", "").isdigit():
        task_force = problem_selectors.task_force_get(user=user, pk=int(request.GET["task_force"]))
    return weekly_pack(user=user, scope=scope, day=day, task_force=task_force)


@login_required
@require_GET
def weekly_page(request):
    """The week's stage changes, problems raised / solved / overdue, and 签约未开工 past the thresholds."""
    pack = _pack(request)
    context = {
        "pack": pack,
        "task_forces": problem_selectors.task_forces(user=request.user),
        "query": request.GET.urlencode(),
        "previous_week": pack.start - timedelta(days=7),
        "next_week": pack.start + timedelta(days=7),
    }
    return render(request, "reports/weekly.html", context)


def _download(request, *, kind: str, write, respond):
    """The pack written by `write` into a file of `kind`, its export audited, as a download."""
    pack = _pack(request)
    buffer = io.BytesIO()
    write(pack, buffer)
    audit.record_export(
        actor=request.user,
        what=f"weekly {pack.start.isoformat()} {kind}",
        count=sum(len(part.rows) for part in pack_parts(pack)),
        filters=request.GET.dict(),
    )
    return respond(buffer, _("weekly-dispatch-%(date)s.%(kind)s") % {"date": pack.start.isoformat(), "kind": kind})


@login_required
@require_GET
def weekly_xlsx(request):
    """The pack as a workbook: one sheet per part, each printing on A4 with the title, scope and week."""
    return _download(request, kind="xlsx", write=write_weekly_pack_xlsx, respond=xlsx_response)


@login_required
@require_GET
def weekly_docx(request):
    """The pack as a .docx laid out like the bulletin, for the meeting's papers."""
    return _download(
        request,
        kind="docx",
        write=write_weekly_pack_docx,
        respond=lambda buffer, name: document_response(buffer, name, "docx"),
    )

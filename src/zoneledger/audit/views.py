"""The auditor's pages: search the audit trail, read one record, export, verify the chain. Nobody else may read it."""

import csv

from django.core.paginator import Paginator
from django.http import StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods

from zoneledger.accounts.choices import Role
from zoneledger.accounts.permissions import role_required
from zoneledger.core.http import partial_template

from . import selectors, services
from .actions import Action
from .presenters import field_changes, local_time, shown

PAGE_SIZE = 50
# The CSV's columns: a heading in the auditor's language and how a record gives the cell.
EXPORT_COLUMNS = (
    (_("ID"), lambda record: record.pk),
    (_("Time (Beijing)"), lambda record: local_time(record.at)),
    (_("User"), lambda record: record.actor_name),
    (_("Organisation"), lambda record: record.org_name),
    (_("Source address"), lambda record: record.source_address),
    (_("Request id"), lambda record: record.request_id),
    (_("Action"), lambda record: record.action_label),
    (_("Action code"), lambda record: record.action),
    (_("Object type"), lambda record: record.object_type),
    (_("Object id"), lambda record: record.object_id),
    (_("Object"), lambda record: record.object_repr),
    (_("Outcome"), lambda record: _("Succeeded") if record.success else _("Failed")),
    (_("Message"), lambda record: record.message),
    (_("Before"), lambda record: shown(record.before) if record.before is not None else ""),
    (_("After"), lambda record: shown(record.after) if record.after is not None else ""),
    (_("Hash"), lambda record: record.record_hash),
)

auditor_only = role_required(Role.AUDITOR)


@auditor_only
@require_GET
def record_list(request):
    """The trail, newest first, filtered; htmx asks for the table alone."""
    records = selectors.record_filter(user=request.user, data=request.GET)
    page = Paginator(records.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"filter": records, "page": page}
    return render(request, partial_template(request, "audit/record_list.html", "records"), context)


@auditor_only
@require_GET
def record_detail(request, pk):
    """One record: who, when (local time), what, and its snapshots field by field with the fields' labels."""
    record = selectors.record_get(user=request.user, pk=pk)
    context = {"record": record, "at": local_time(record.at), "changes": field_changes(record)}
    return render(request, "audit/record_detail.html", context)


class Echo:
    def write(self, value):
        return value


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def cell(value):
    """A CSV cell that a spreadsheet shows as text, never runs as a formula (names and messages come from users)."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


@auditor_only
@require_GET
def record_export(request):
    """The filtered trail as CSV (UTF-8 with BOM, so Excel reads the Chinese); the export itself is audited."""
    records = selectors.record_filter(user=request.user, data=request.GET)
    if not records.is_valid():
        return render(request, "audit/record_list.html", {"filter": records, "page": None}, status=400)
    queryset = records.qs
    services.record_export(actor=request.user, what="audit log", count=queryset.count(), filters=request.GET.dict())
    writer = csv.writer(Echo())
    language = translation.get_language()

    def rows():
        # Streamed after the view has returned: the auditor's language is set again for the cells' words.
        with translation.override(language):
            yield "\ufeff" + writer.writerow([str(heading) for heading, _value in EXPORT_COLUMNS])
            for record in queryset.iterator(chunk_size=2000):
                yield writer.writerow([cell(value(record)) for _heading, value in EXPORT_COLUMNS])

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    filename = f"audit-{timezone.localdate():%Y%m%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@auditor_only
@require_http_methods(["GET", "POST"])
def chain_verify(request):
    """Walk the hash chain now and say whether the table was tampered with (GET: the page with its button)."""
    if request.method == "GET":
        return render(request, "audit/chain_verify.html", {"report": None})
    report = services.verify_chain()
    services.record(
        actor=request.user,
        action=Action.AUDIT_VERIFY,
        success=report.intact,
        message=f"{report.checked} records checked",
        after={"broken": [chain.name for chain in report.broken]} if not report.intact else None,
    )
    return render(request, "audit/chain_verify.html", {"report": report})

"""The auditor's pages: search the audit trail, read one record, export, verify the chain. Nobody else may read it."""

import csv
import json

from django.core.paginator import Paginator
from django.http import StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from zoneledger.accounts.choices import Role
from zoneledger.accounts.permissions import role_required
from zoneledger.core.http import partial_template

from . import selectors, services
from .actions import Action

PAGE_SIZE = 50
EXPORT_COLUMNS = (
    ("id", "ID"),
    ("at", "time"),
    ("actor_name", "user"),
    ("org_name", "organisation"),
    ("source_address", "source address"),
    ("request_id", "request id"),
    ("action", "action"),
    ("object_type", "object type"),
    ("object_id", "object id"),
    ("object_repr", "object"),
    ("success", "success"),
    ("message", "message"),
    ("before", "before"),
    ("after", "after"),
    ("record_hash", "hash"),
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
    record = selectors.record_get(user=request.user, pk=pk)
    snapshots = {
        name: json.dumps(value, indent=2, ensure_ascii=False, sort_keys=True) if value is not None else "—"
        for name, value in (("before", record.before), ("after", record.after))
    }
    return render(request, "audit/record_detail.html", {"record": record, **snapshots})


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

    def rows():
        yield "\ufeff" + writer.writerow([label for _field, label in EXPORT_COLUMNS])
        for record in queryset.iterator(chunk_size=2000):
            yield writer.writerow([cell(getattr(record, field)) for field, _label in EXPORT_COLUMNS])

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

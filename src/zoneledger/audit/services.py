"""Writing and verifying the audit trail."""

import hashlib
import json
from dataclasses import dataclass

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone

from .context import request_context
from .models import AuditChainHead, AuditRecord

GENESIS_HASH = "0" * 64
HASHED_FIELDS = (
    "at",
    "actor_id",
    "actor_name",
    "org_name",
    "source_address",
    "request_id",
    "action",
    "object_type",
    "object_id",
    "object_repr",
    "before",
    "after",
    "message",
    "success",
    "previous_hash",
)


def _as_json(value):
    """JSON-safe, canonical form of a snapshot (Decimals and dates become strings)."""
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder, sort_keys=True)) if value is not None else None


def compute_hash(record):
    """The SHA-256 of a record's content and the hash of the record before it."""
    content = {field: getattr(record, field) for field in HASHED_FIELDS}
    content["at"] = record.at.isoformat(timespec="microseconds")
    payload = json.dumps(content, cls=DjangoJSONEncoder, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(payload.encode()).hexdigest()


@transaction.atomic
def record(*, actor, action, obj=None, before=None, after=None, message="", success=True, actor_name=""):
    """Append one record to the audit trail, in the caller's transaction.

    `obj` is the model instance concerned (or None); `before`/`after` are JSON-able snapshots.
    """
    head, _ = AuditChainHead.objects.select_for_update().get_or_create(pk=1, defaults={"last_hash": GENESIS_HASH})
    context = request_context()
    authenticated = actor is not None and getattr(actor, "is_authenticated", False)
    entry = AuditRecord(
        at=timezone.now(),
        actor=actor if authenticated else None,
        actor_name=(actor.get_username() if authenticated else actor_name)[:150],
        org_name=str(actor.org) if authenticated and actor.org_id else "",
        source_address=context.source_address,
        request_id=context.request_id,
        action=action,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        object_repr=str(obj)[:200] if obj is not None else "",
        before=_as_json(before),
        after=_as_json(after),
        message=str(message)[:500],
        success=success,
        previous_hash=head.last_hash,
    )
    entry.record_hash = compute_hash(entry)
    entry.save()
    AuditChainHead.objects.filter(pk=1).update(last_hash=entry.record_hash)
    return entry


@dataclass
class ChainReport:
    checked: int
    broken_at: int | None  # id of the first record whose hash or link does not match

    @property
    def intact(self):
        return self.broken_at is None


def verify_chain():
    """Walk the trail in order and report the first record that was altered, removed or inserted."""
    expected_previous = GENESIS_HASH
    checked = 0
    for entry in AuditRecord.objects.order_by("id").iterator(chunk_size=2000):
        if entry.previous_hash != expected_previous or compute_hash(entry) != entry.record_hash:
            return ChainReport(checked=checked, broken_at=entry.id)
        expected_previous = entry.record_hash
        checked += 1
    head = AuditChainHead.objects.filter(pk=1).first()
    if head is not None and head.last_hash != expected_previous:
        return ChainReport(checked=checked, broken_at=-1)
    return ChainReport(checked=checked, broken_at=None)


def record_export(*, actor, what, count, filters=None):
    """Audit a download of data: `what` names it ("ledger", "bulletin 2024-2", …), `count` the rows in the file."""
    return record(actor=actor, action="export", after={"what": what, "rows": count, "filters": filters or {}})


def record_import(*, actor, what, count, success=True, message=""):
    """Audit an import (applied or refused): `what` names the file, `count` the rows written (0 when refused)."""
    return record(actor=actor, action="import", after={"what": what, "rows": count}, success=success, message=message)

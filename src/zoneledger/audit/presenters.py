"""How a record reads for the auditor: its snapshots field by field with the fields' labels, its time local."""

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.utils import timezone

from .models import AuditRecord


@dataclass(frozen=True)
class FieldChange:
    """One field of a record's snapshots: its label, its value before and after, and whether it changed."""

    name: str
    label: str
    before: str
    after: str
    changed: bool


def local_time(moment: datetime) -> str:
    """The moment in the site's time zone (Asia/Shanghai), to the second."""
    return f"{timezone.localtime(moment):%Y-%m-%d %H:%M:%S}"


def shown(value: Any) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


def field_label(record: AuditRecord, name: str) -> str:
    """The field's name as its model labels it (a project's `total_investment` is 总投资), else the stored key (a
    key no field of the model holds, or one naming a relation from another model, which has no label of its own)."""
    try:
        model = apps.get_model(record.object_type)
        field = model._meta.get_field(name)
    except (LookupError, ValueError, FieldDoesNotExist):
        return name
    return str(getattr(field, "verbose_name", name))


def field_changes(record: AuditRecord) -> list[FieldChange]:
    """The snapshots of `record` side by side, a row per field, in the order the object stores them."""
    before, after = record.before or {}, record.after or {}
    if not isinstance(before, dict) or not isinstance(after, dict):
        return [FieldChange("", "", shown(record.before), shown(record.after), record.before != record.after)]
    names = list(dict.fromkeys([*before, *after]))
    return [
        FieldChange(
            name,
            field_label(record, name),
            shown(before.get(name)),
            shown(after.get(name)),
            before.get(name) != after.get(name),
        )
        for name in names
    ]

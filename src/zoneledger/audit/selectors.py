"""Reads of the audit trail that serve people: the auditor's search and records, and an object's history.

Each takes `user=`; the auditor's reads start from `AuditRecord.objects.visible_to(user)`.
"""

from typing import TYPE_CHECKING

from django.db import models
from django.db.models import Q, QuerySet
from django.http import QueryDict

from zoneledger.core.errors import NotFound

from .filters import AuditRecordFilter
from .models import AuditRecord

if TYPE_CHECKING:  # users are settings.AUTH_USER_MODEL at run time (docs/ARCHITECTURE.md)
    from zoneledger.accounts.models import User


def record_filter(*, user: "User", data: QueryDict | dict | None = None) -> AuditRecordFilter:
    """The auditor's search over the records they may read, newest first, bound to `data` (a query string)."""
    return AuditRecordFilter(data, queryset=AuditRecord.objects.visible_to(user).order_by("-id"))


def record_list(*, user: "User", filters: QueryDict | dict | None = None) -> QuerySet[AuditRecord]:
    """The records the user may read that match `filters`, newest first."""
    return record_filter(user=user, data=filters).qs


def record_get(*, user: "User", pk: int) -> AuditRecord:
    """One record the user may read; NotFound for any other, as for one that does not exist."""
    record = AuditRecord.objects.visible_to(user).filter(pk=pk).first()
    if record is None:
        raise NotFound
    return record


def object_history(*, user: "User", obj: models.Model) -> QuerySet[AuditRecord]:
    """The records about `obj` or related to it (a project's events and monthly reports), newest first.

    The caller read `obj` through its own scoped selector, so whoever may see the object may see its
    history; `user` is taken for that contract and for later per-field rules.
    """
    label, pk = obj._meta.label_lower, str(obj.pk)
    return AuditRecord.objects.filter(
        Q(object_type=label, object_id=pk) | Q(related_type=label, related_id=pk)
    ).order_by("-id")

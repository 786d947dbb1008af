"""Reads of the audit trail that serve people: an object's history (the auditor's search is in views for now)."""

from django.db import models
from django.db.models import Q, QuerySet

from .models import AuditRecord


def object_history(*, user, obj: models.Model) -> QuerySet[AuditRecord]:
    """The records about `obj` or related to it (a project's events and monthly reports), newest first.

    The caller read `obj` through its own scoped selector, so whoever may see the object may see its
    history; `user` is taken for that contract and for later per-field rules.
    """
    label, pk = obj._meta.label_lower, str(obj.pk)
    return AuditRecord.objects.filter(
        Q(object_type=label, object_id=pk) | Q(related_type=label, related_id=pk)
    ).order_by("-id")

"""The auditor's search over the audit trail: one filter set for the page and its export."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from zoneledger.core.dates import DateField

from .models import AuditRecord


class DateFilter(django_filters.DateFilter):
    """A date in the product's range (core/dates.py): a date out of it is a form error, not a 500."""

    field_class = DateField


class AuditRecordFilter(django_filters.FilterSet):
    """Search the trail by words, user, action, outcome, address and period."""

    q = django_filters.CharFilter(label=_("Search"), method="filter_text")
    actor = django_filters.CharFilter(label=_("User"), field_name="actor_name", lookup_expr="icontains")
    action = django_filters.CharFilter(label=_("Action"), field_name="action", lookup_expr="startswith")
    success = django_filters.BooleanFilter(
        label=_("Outcome"),
        widget=forms.Select(choices=[("", _("All")), ("true", _("Succeeded")), ("false", _("Failed"))]),
    )
    source_address = django_filters.CharFilter(label=_("Source address"), field_name="source_address")
    since = DateFilter(label=_("From"), field_name="at", lookup_expr="date__gte")
    until = DateFilter(label=_("Until"), field_name="at", lookup_expr="date__lte")

    class Meta:
        model = AuditRecord
        fields = []

    def filter_text(self, queryset, name, value):
        words = value.split()
        for word in words:
            queryset = queryset.filter(
                Q(object_repr__icontains=word)
                | Q(message__icontains=word)
                | Q(object_id=word)
                | Q(request_id=word)
                | Q(org_name__icontains=word)
            )
        return queryset

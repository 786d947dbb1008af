"""The Django admin for reference data (staff only). Changes made here are audited like every other write."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from zoneledger.audit.admin import AuditedAdmin, ReadOnlyAdmin

from .models import Division, Zone


@admin.register(Division)
class DivisionAdmin(ReadOnlyAdmin):
    """GB/T 2260 divisions ship with the package (a data migration)."""

    list_display = ["code", "name", "level", "parent"]
    list_filter = ["level"]
    search_fields = ["code", "name"]


@admin.register(Zone)
class ZoneAdmin(AuditedAdmin):
    list_display = ["name", "short_name", "kind", "level", "city", "is_illustrative"]
    list_filter = ["city", "kind", "level", "is_illustrative"]
    search_fields = ["name", "short_name"]
    list_select_related = ["city"]
    readonly_fields = ["city"]
    autocomplete_fields = ["division"]
    fieldsets = [
        (None, {"fields": ["name", "short_name", "kind", "level", "division", "city"]}),
        (_("More"), {"fields": ["leading_industries", "stats_code", "is_illustrative"]}),
    ]

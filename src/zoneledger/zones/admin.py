"""The Django admin for reference data (staff only). Changes made here are audited like every other write."""

from django.contrib import admin
from django.db.models import Model, QuerySet
from django.utils.translation import gettext_lazy as _

from zoneledger.audit import services as audit
from zoneledger.audit.actions import Action
from zoneledger.audit.admin import ReadOnlyAdmin

from .models import Division, Zone


def _jsonable(value):
    if isinstance(value, Model):
        return value.pk
    if isinstance(value, QuerySet):
        return sorted(value.values_list("pk", flat=True))
    return value


class AuditedAdmin(admin.ModelAdmin):
    """A ModelAdmin whose additions, changes and deletions, inline rows too, each leave an audit record.

    The admin saves in one transaction, so the records are written with the change or not at all.
    """

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        changed = form.changed_data
        audit.record(
            actor=request.user,
            action=Action.ADMIN_CHANGE if change else Action.ADMIN_ADD,
            obj=obj,
            before={name: _jsonable(form.initial.get(name)) for name in changed} if change else None,
            after={name: _jsonable(form.cleaned_data.get(name)) for name in changed},
        )

    def save_formset(self, request, form, formset, change):
        super().save_formset(request, form, formset, change)
        for obj in formset.new_objects:
            audit.record(actor=request.user, action=Action.ADMIN_ADD, obj=obj, after={"object": str(obj)})
        for obj, changed in formset.changed_objects:
            audit.record(actor=request.user, action=Action.ADMIN_CHANGE, obj=obj, after={"changed": changed})
        for obj in formset.deleted_objects:
            # Deleted, the row has no key left: the record names it instead.
            audit.record(actor=request.user, action=Action.ADMIN_DELETE, before={"object": str(obj)})

    def delete_model(self, request, obj):
        audit.record(actor=request.user, action=Action.ADMIN_DELETE, obj=obj, before={"object": str(obj)})
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)


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

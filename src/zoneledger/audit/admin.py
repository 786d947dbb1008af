"""The admin's audited and read-only bases for every app, and the audit trail itself: read by the auditor only,
never added to, changed or deleted."""

from django.contrib import admin
from django.db.models import Model, QuerySet

from . import services as audit
from .actions import Action
from .models import AuditRecord


class ReadOnlyAdmin(admin.ModelAdmin):
    """An admin page that shows rows and changes nothing: their writes go through services."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


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


@admin.register(AuditRecord)
class AuditRecordAdmin(ReadOnlyAdmin):
    list_display = ["at", "actor_name", "org_name", "source_address", "action", "object_repr", "success"]
    list_filter = ["success", "action"]
    search_fields = ["actor_name", "object_repr", "message", "request_id"]
    date_hierarchy = "at"

    def has_module_permission(self, request):
        return getattr(request.user, "reads_audit_trail", False)

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)

"""The audit trail in the Django admin (the auditor's only, read-only), and audited admin pages for the others."""

from django.contrib import admin

from zoneledger.accounts.choices import Role

from . import services as audit
from .models import AuditRecord


class AuditedAdmin(admin.ModelAdmin):
    """An admin page whose additions, changes and deletions also go into the audit trail, in the same transaction."""

    def log_addition(self, request, obj, message):
        audit.record(actor=request.user, action="admin.add", obj=obj, after={"change": message})
        return super().log_addition(request, obj, message)

    def log_change(self, request, obj, message):
        audit.record(actor=request.user, action="admin.change", obj=obj, after={"change": message})
        return super().log_change(request, obj, message)

    def log_deletions(self, request, queryset):
        for obj in queryset:
            audit.record(actor=request.user, action="admin.delete", obj=obj)
        return super().log_deletions(request, queryset)


class ReadOnlyAdmin(admin.ModelAdmin):
    """An admin page that shows rows and changes nothing: their writes go through services."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditRecord)
class AuditRecordAdmin(ReadOnlyAdmin):
    list_display = ["at", "actor_name", "org_name", "source_address", "action", "object_repr", "success"]
    list_filter = ["success", "action"]
    search_fields = ["actor_name", "object_repr", "message", "request_id"]
    date_hierarchy = "at"

    def has_module_permission(self, request):
        return request.user.is_active and getattr(request.user, "role", None) == Role.AUDITOR

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)

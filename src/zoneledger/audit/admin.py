"""The audit trail in the Django admin: readable by the auditor only, never added to, changed or deleted."""

from django.contrib import admin

from .models import AuditRecord


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
        return getattr(request.user, "reads_audit_trail", False)

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)

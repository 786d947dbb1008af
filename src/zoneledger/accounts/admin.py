"""The Django admin for org units (reference data, audited); accounts are managed on the administrator's pages."""

from django.contrib import admin

from zoneledger.audit.admin import AuditedAdmin, ReadOnlyAdmin

from .models import OrgUnit, User


@admin.register(OrgUnit)
class OrgUnitAdmin(AuditedAdmin):
    list_display = ["name", "kind", "division", "zone", "parent"]
    list_filter = ["kind"]
    search_fields = ["name"]
    autocomplete_fields = ["parent"]
    raw_id_fields = ["division", "zone"]


@admin.register(User)
class UserAdmin(ReadOnlyAdmin):
    """Read-only here: permission changes go through `accounts.services`, which enforce 三员分立 and audit them."""

    list_display = ["username", "display_name", "org", "role", "is_active"]
    list_filter = ["role", "is_active"]
    search_fields = ["username", "display_name"]
    fields = ["username", "display_name", "org", "role", "is_active", "last_login", "password_changed_at"]

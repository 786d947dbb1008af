from django.contrib import admin

from zoneledger.audit.admin import AuditedAdmin

from .models import Enterprise


@admin.register(Enterprise)
class EnterpriseAdmin(AuditedAdmin):
    """Enterprises are registry facts shared by all zones; projects themselves are kept on the ledger pages."""

    list_display = ["name", "uscc", "division"]
    search_fields = ["name", "uscc"]
    list_select_related = ["division"]
    autocomplete_fields = ["division"]

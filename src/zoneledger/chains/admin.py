from django.contrib import admin

from zoneledger.audit.admin import AuditedAdmin

from .models import Chain, ChainLink


class ChainLinkInline(admin.TabularInline):
    model = ChainLink
    extra = 0
    ordering = ["position"]


@admin.register(Chain)
class ChainAdmin(AuditedAdmin):
    list_display = ["name", "leader"]
    search_fields = ["name", "leader"]
    autocomplete_fields = ["masters"]
    inlines = [ChainLinkInline]

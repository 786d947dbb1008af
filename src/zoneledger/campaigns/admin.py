from django.contrib import admin

from zoneledger.audit.admin import ReadOnlyAdmin

from .models import Round


@admin.register(Round)
class RoundAdmin(ReadOnlyAdmin):
    """Rounds are created and edited on the rounds pages, through the service that lets only the province do it."""

    list_display = ["label", "held_on", "title", "venues"]
    list_filter = ["year"]
    search_fields = ["title", "venues"]

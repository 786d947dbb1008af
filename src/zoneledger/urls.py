"""The URL map. Each app owns its own urls.py; the paths here are its place in the site."""

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("zoneledger.reports.urls")),  # dashboard, year summary, warnings
    path("projects/", include("zoneledger.projects.urls")),  # ledger and project pages
    path("rounds/", include("zoneledger.campaigns.urls")),
    path("import/", include("zoneledger.ingest.urls")),
    path("workdays/", include("zoneledger.workdays.urls")),  # the province's working-day calendar
    path("accounts/", include("zoneledger.accounts.urls")),  # log in / out, two-factor, users
    path("audit/", include("zoneledger.audit.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]

handler403 = "zoneledger.accounts.views.permission_denied"  # audits the refusal, then Django's 403 page
handler404 = "zoneledger.accounts.views.page_not_found"  # audits a signed-in user's probe; 429 past the limit

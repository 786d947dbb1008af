"""The URL map. Each app owns its own urls.py; the paths here are its place in the site."""

from django.contrib import admin
from django.urls import include, path, re_path

from zoneledger.api import api, unknown_url

urlpatterns = [
    path("", include("zoneledger.ops.urls")),  # /healthz and /metrics, for monitoring
    path("", include("zoneledger.reports.urls")),  # dashboard, year summary, warnings
    path("projects/", include("zoneledger.projects.urls")),  # ledger and project pages
    path("problems/", include("zoneledger.problems.urls")),  # problems on the 13710 clock, leaders, task forces
    path("progress/", include("zoneledger.progress.urls")),  # monthly reports: 填报 and 审核
    path("", include("zoneledger.milestones.urls")),  # /milestones/ and the project page's milestone writes
    path("approvals/", include("zoneledger.approvals.urls")),  # approval items keyed by the national project code
    path("rounds/", include("zoneledger.campaigns.urls")),
    path("import/", include("zoneledger.ingest.urls")),
    path("workdays/", include("zoneledger.workdays.urls")),  # the province's working-day calendar
    path("accounts/", include("zoneledger.accounts.urls")),  # log in / out, two-factor, users
    path("audit/", include("zoneledger.audit.urls")),
    path("notifications/", include("zoneledger.notifications.urls")),  # the bell: a user's own inbox
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/v1/", unknown_url),  # before ninja's own root, which answers the site's 404 page
    path("api/v1/", api.urls),  # the JSON API (zoneledger/api.py)
    re_path(r"^api/", unknown_url, name="api_unknown"),
]

handler403 = "zoneledger.accounts.views.permission_denied"  # audits the refusal, then Django's 403 page
handler404 = "zoneledger.accounts.views.page_not_found"  # audits a signed-in user's probe; 429 past the limit

"""The year summary (/summary/)."""

import datetime

from django.contrib.auth.mixins import LoginRequiredMixin
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from zoneledger.core.errors import NotFound
from zoneledger.core.money import format_percent
from zoneledger.reports import figures
from zoneledger.reports.forms import AsOfMixin, YearSummaryForm
from zoneledger.reports.presenters import (
    BREAKDOWN_LABELS,
    BREAKDOWN_OF,
    batch_row,
    campaign_year,
    latest_round,
    today,
    user_scope,
    user_scope_reference,
)


class YearSummaryView(LoginRequiredMixin, AsOfMixin, TemplateView):
    """A zone's, a city's or the province's year: its figures and the sentences of the seeds, as of a date.

    The breakdown beneath is by city for the province, by zone for a city and by chain for a zone.
    """

    template_name = "reports/year_summary.html"
    form_class = YearSummaryForm

    def get_filter_form_kwargs(self):
        return {"user": self.request.user}

    def get_context_data(self, **kwargs):
        user = self.request.user
        if user.org is None or not user.reads_business_data:
            raise NotFound
        reference = self.get_cleaned("scope", None)
        scope = figures.resolve_scope(reference, user=user) if reference else user_scope(user)
        year = self.get_cleaned("year", campaign_year(latest_round(today()), today()))
        as_of = self.get_as_of(default=min(today(), datetime.date(year, 12, 31)))
        period = figures.Period.for_year(year)
        batch = figures.batch_figures(user=user, scope=scope, period=period, as_of=as_of)
        by = BREAKDOWN_OF[scope.kind]
        rows = figures.breakdown(user=user, scope=scope, period=period, by=by, as_of=as_of)
        self.show_in_form(scope=reference or user_scope_reference(user), year=year, as_of=as_of)
        return super().get_context_data(**kwargs) | {
            "scope": scope,
            "year": year,
            "as_of": as_of,
            "sentences": figures.summary_sentences(batch),
            "same_year_start_rate": format_percent(batch.same_year_start_rate, 1),
            "rows": [batch_row(by, row.name, row) for row in rows],
            "total": batch_row("total", _("Total"), batch),
            "row_heading": BREAKDOWN_LABELS[by],
        }

"""The year summary (/summary/)."""

from urllib.parse import urlencode

from django.contrib.auth.mixins import LoginRequiredMixin
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from zoneledger.accounts.scope import user_scope, user_scope_in
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
)

from .documents import bulletin_document_response


def summary_query(reference, year, as_of):
    """The query string of the summary of `year` for the scope `reference` as of `as_of`."""
    return urlencode({"scope": reference, "year": year, "as_of": as_of.isoformat()})


class YearSummaryMixin(LoginRequiredMixin, AsOfMixin):
    """The summary's scope, year and as-of date from its form: the user's scope, the campaign's year and today
    unless chosen; a scope beyond the user's is not found (404)."""

    form_class = YearSummaryForm

    def get_filter_form_kwargs(self):
        return {"user": self.request.user}

    def get_summary(self):
        """(scope, the scope as the form names it, year, as_of)."""
        user = self.request.user
        reference = self.get_cleaned("scope", None)
        scope = user_scope_in(user, reference) if reference else user_scope(user)
        year = self.get_cleaned("year", campaign_year(latest_round(user, today()), today()))
        as_of = self.get_as_of()  # today unless chosen, as on every page (DOMAIN §5)
        return scope, reference or scope.reference, year, as_of


class YearSummaryView(YearSummaryMixin, TemplateView):
    """A zone's, a county's, a city's, a province's or the nation's year: its figures and the sentences of the
    seeds, as of a date.

    The breakdown beneath is one level down (`BREAKDOWN_OF`): by province for the nation, by city for a province,
    by zone for a city or county and by chain for a zone.
    """

    template_name = "reports/year_summary.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        scope, reference, year, as_of = self.get_summary()
        period = figures.Period.for_year(year)
        batch = figures.batch_figures(user=user, scope=scope, period=period, as_of=as_of)
        by = BREAKDOWN_OF[scope.kind]
        rows = figures.breakdown(user=user, scope=scope, period=period, by=by, as_of=as_of)
        self.show_in_form(scope=reference, year=year, as_of=as_of)
        return super().get_context_data(**kwargs) | {
            "scope": scope,
            "year": year,
            "as_of": as_of,
            "document_query": summary_query(reference, year, as_of),
            "sentences": figures.summary_sentences(batch),
            "same_year_start_rate": format_percent(batch.same_year_start_rate, 1),
            "rows": [batch_row(by, row.name, row) for row in rows],
            "total": batch_row("total", _("Total"), batch),
            "row_heading": BREAKDOWN_LABELS[by],
        }


class YearSummaryDocumentView(YearSummaryMixin, View):
    """The year's 通报 as a .docx or a PDF (`kind`), for the scope, year and date the summary shows."""

    def get(self, request, *args, kind, **kwargs):
        scope, reference, year, as_of = self.get_summary()
        return bulletin_document_response(
            request,
            kind=kind,
            scope=scope,
            period=figures.Period.for_year(year),
            as_of=as_of,
            filename=_("bulletin-%(scope)s-%(year)s.%(kind)s") % {"scope": scope.name, "year": year, "kind": kind},
            back_to=f"{reverse('reports:year_summary')}?{summary_query(reference, year, as_of)}",
        )

"""The dashboard (/)."""

from datetime import date

from django.conf import settings
from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from zoneledger.accounts.choices import Role
from zoneledger.accounts.scope import ScopeKind, user_scope
from zoneledger.approvals.selectors import done_by_zone
from zoneledger.campaigns.models import Round
from zoneledger.campaigns.selectors import target_get
from zoneledger.campaigns.services import sets_targets
from zoneledger.progress.selectors import last_due_month
from zoneledger.reports import cockpit, figures
from zoneledger.reports.charts import batch_chart, funnel_chart, months_chart
from zoneledger.reports.figures import ZERO
from zoneledger.reports.forms import AsOfMixin, YearForm
from zoneledger.reports.presenters import (
    BREAKDOWN_OF,
    a_year_earlier,
    batch_cells,
    campaign_year,
    kpi_cards,
    latest_round,
    month_on_month,
    next_round,
    previous_round,
    target_progress,
    year_on_year,
)

# Where the administrators who read no ledger start their day.
ADMINISTRATOR_HOME = {Role.SYSADMIN: "accounts:user_list", Role.SECADMIN: "accounts:security"}


class DashboardView(LoginRequiredMixin, AsOfMixin, TemplateView):
    """Home, the cockpit: what to do now first, then KPI cards for the year and the latest round, warnings, the parts
    of the scope ranked (with the places moved since the previous round), the funnel, a breakdown, the monthly line.

    The bars are by province for the nation, by city for a province, by zone for a city, and by round for a zone.
    """

    template_name = "reports/dashboard.html"
    form_class = YearForm

    def get(self, request, *args, **kwargs):
        if not request.user.reads_business_data:
            # The system and security administrators keep accounts, not the ledger (三员分立): home is their console.
            return redirect(ADMINISTRATOR_HOME.get(request.user.role, "accounts:password_change"))
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        user = self.request.user
        scope = user_scope(user)
        as_of = self.get_as_of()
        round_ = latest_round(user, as_of)
        year = self.get_cleaned("year", campaign_year(round_, as_of))
        period = figures.Period.for_year(year)
        year_figures = figures.batch_figures(user=user, scope=scope, period=period, as_of=as_of)
        # Year on year: the year before as it stood on the same day a year earlier.
        year_before = figures.batch_figures(
            user=user, scope=scope, period=figures.Period.for_year(year - 1), as_of=a_year_earlier(as_of)
        )
        round_figures = round_ and figures.batch_figures(
            user=user, scope=scope, period=figures.Period.for_round(round_.label), as_of=as_of
        )
        months = figures.completed_by_month(user=user, scope=scope, year=year, as_of=as_of)
        target = target_get(user=user, scope=scope, year=year)
        self.show_in_form(as_of=as_of, year=year)
        earlier = round_ and previous_round(user, round_)
        rank_by = self.request.GET.get("rank_by", cockpit.METRIC_KEYS[0])
        warning_counts = figures.warning_counts(user=user, scope=scope, as_of=as_of)
        approvals_done = done_by_zone(user=user, scope=scope, year=year)
        rankings = cockpit.rankings(
            user=user,
            scope=scope,
            period=period,
            as_of=as_of,
            since=earlier.held_on if earlier and earlier.year == year else None,
            order_by=rank_by,
        )
        levels = {ranking.level: ranking for ranking in rankings}
        return super().get_context_data(**kwargs) | {
            "todos": cockpit.todos(user=user, scope=scope, as_of=as_of, warnings=warning_counts),
            "rankings": rankings,
            "city_tiles": cockpit.city_tiles(
                user=user,
                scope=scope,
                cities=levels.get("city"),
                zones=levels.get("zone"),
                order_by=rank_by,
                year=year,
                as_of=as_of,
            ),
            "metrics": cockpit.METRICS,
            "rank_by": rank_by if rank_by in cockpit.METRIC_KEYS else cockpit.METRIC_KEYS[0],
            "previous_round": earlier,
            "scope": scope,
            "as_of": as_of,
            "year": year,
            "year_cards": kpi_cards(batch_cells(year_figures), year_on_year(year_figures, year_before)),
            "month_cards": [card] if (card := self.month_card(scope, year, as_of, months)) else [],
            "target": target,
            "sets_targets": sets_targets(user),
            "target_lines": target_progress(target, year_figures, months[-1].cumulative if months else ZERO),
            "latest_round": round_,
            "next_round": next_round(user, as_of),
            "round_cards": round_figures and kpi_cards(batch_cells(round_figures)),
            "warning_counts": warning_counts,
            "approvals_done": approvals_done,
            "approvals_done_total": sum(done for _zone, done in approvals_done),
            "yellow_days": settings.ZONELEDGER_WARNING_YELLOW_DAYS,
            "red_days": settings.ZONELEDGER_WARNING_RED_DAYS,
            "charts": {
                "funnel": funnel_chart(year_figures, year=year),
                "bars": self.breakdown_chart(scope=scope, period=period, year=year, as_of=as_of),
                "months": months_chart(months, year=year),
            },
        }

    def month_card(self, scope, year, as_of, months):
        """完成投资 of the year's latest month whose reports were due by `as_of` against the month before: the month
        still being reported would read as a fall early in every month. From the year's series where it holds that
        month (early in January it is the December before: one query), and the December before when that month is
        January (one query)."""
        due = min(last_due_month(as_of), date(year, 12, 1))
        if due.year == year:
            reported = [month for month in months if month.month <= due]
        else:
            reported = figures.completed_by_month(user=self.request.user, scope=scope, year=due.year, as_of=due)
        month_before = None
        if len(reported) == 1:
            month_before = figures.completed_by_month(
                user=self.request.user, scope=scope, year=due.year - 1, as_of=date(due.year - 1, 12, 31)
            )[-1]
        return month_on_month(reported, month_before)

    def breakdown_chart(self, *, scope, period, year, as_of):
        user = self.request.user
        if scope.kind == ScopeKind.ZONE:
            # A zone has no parts to compare: its batches round by round show its year instead.
            rounds = [
                (
                    round_.label,
                    figures.batch_figures(
                        user=user, scope=scope, period=figures.Period.for_round(round_.label), as_of=as_of
                    ),
                )
                for round_ in Round.objects.visible_to(user).filter(year=year)
            ]
            return batch_chart(rounds, title=_("%(year)s batches by round") % {"year": year})
        by = BREAKDOWN_OF[scope.kind]
        rows = figures.breakdown(user=user, scope=scope, period=period, by=by, as_of=as_of)
        title = {
            "province": _("%(year)s batches by province"),
            "city": _("%(year)s batches by city"),
            "zone": _("%(year)s batches by zone"),
        }[by]
        return batch_chart([(row.name, row) for row in rows], title=title % {"year": year})

"""The read-side pages: the dashboard, the year summary and the 签约未开工 warnings.

Every figure on these pages comes from `zoneledger.reports.figures`, the functions the `figures`
command prints, so a page and the command can never disagree. Views only pick the scope, the
period and the as-of date, and shape the results for tables and charts.
"""

import datetime
import io

import xlsxwriter
from django import forms
from django.conf import settings
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView, View

from zoneledger.accounts.choices import OrgKind
from zoneledger.audit import services as audit
from zoneledger.campaigns.models import Round
from zoneledger.core.errors import NotFound
from zoneledger.core.http import is_partial, xlsx_response
from zoneledger.core.money import format_percent, format_yi
from zoneledger.core.tables import Column, sort_headings
from zoneledger.zones.models import Zone

from . import figures


def today():
    return timezone.localdate()


def user_scope_reference(user):
    """How `figures.resolve_scope` names the user's own org unit: province, the city's code or the zone's name."""
    org = user.org
    if org is None:
        raise NotFound
    if org.kind == OrgKind.PROVINCE:
        return "province"
    if org.kind == OrgKind.CITY:
        return org.division_id
    return org.zone.name


def user_scope(user):
    """The scope of the user's own org unit: the province, their city or their zone (404 without one)."""
    return figures.resolve_scope(user_scope_reference(user), user=user)


def latest_round(as_of):
    """The last round held by `as_of`, or None; its year is the campaign's current year."""
    return Round.objects.filter(held_on__lte=as_of).order_by("-held_on").first()


def campaign_year(round_, as_of):
    """The year figures pages show by default: the latest round's, else the calendar year."""
    return round_.year if round_ else as_of.year


class AsOfForm(forms.Form):
    """The as-of date every figures page takes: events dated after it do not count."""

    as_of = forms.DateField(
        label=gettext_lazy("As of"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )


class AsOfMixin:
    """Reads the page's filter form from the query string.

    A bad value is shown as an error on its field, and the page falls back to that field's default,
    so a hand-edited URL never ends in a 500.
    """

    form_class = AsOfForm

    def get_filter_form(self):
        if not hasattr(self, "_filter_form"):
            self._filter_form = self.form_class(self.request.GET or None, **self.get_filter_form_kwargs())
            self._filter_form.is_valid()
        return self._filter_form

    def get_filter_form_kwargs(self):
        return {}

    def get_cleaned(self, name, default):
        form = self.get_filter_form()
        value = form.cleaned_data.get(name) if form.is_bound and name not in form.errors else None
        return default if value in (None, "") else value

    def get_as_of(self, default=None):
        return self.get_cleaned("as_of", default or today())

    def show_in_form(self, **values):
        """Fill an unbound filter form with the values the page shows, so the user sees what is in front of them."""
        form = self.get_filter_form()
        if not form.is_bound:
            form.initial.update(values)

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {"filter_form": self.get_filter_form()}


def batch_cells(batch):
    """Batch figures as the formatted cells tables and cards show: counts, 亿元, rates with one decimal."""
    signed, started, commissioned = batch.signed, batch.started, batch.commissioned
    return {
        "signed_count": signed.count,
        "signed_yi": format_yi(signed.investment),
        "signed_started": signed.started,
        "start_rate": format_percent(signed.start_rate, 1),
        "started_count": started.count,
        "started_yi": format_yi(started.investment),
        "completed_yi": format_yi(started.completed),
        "completion_rate": format_percent(started.completion_rate, 1),
        "started_commissioned": started.commissioned,
        "commission_rate": format_percent(started.commission_rate, 1),
        "commissioned_count": commissioned.count,
        "commissioned_yi": format_yi(commissioned.investment),
        "at_capacity": commissioned.at_capacity,
        "capacity_rate": format_percent(commissioned.capacity_rate, 1),
    }


def percent_text(cell):
    """A rate cell with its sign, or '—' alone when the rate is undefined."""
    return cell if cell == "—" else f"{cell}%"


def kpi_cards(cells):
    """The dashboard's six cards for a period: the three batches, the two rates, completed investment."""
    yi = _("%(amount)s hundred million yuan")
    return [
        {
            "key": "signed",
            "label": _("Signed"),
            "value": cells["signed_count"],
            "detail": yi % {"amount": cells["signed_yi"]},
        },
        {
            "key": "started",
            "label": _("Started"),
            "value": cells["started_count"],
            "detail": yi % {"amount": cells["started_yi"]},
        },
        {
            "key": "commissioned",
            "label": _("Commissioned"),
            "value": cells["commissioned_count"],
            "detail": yi % {"amount": cells["commissioned_yi"]},
        },
        {
            "key": "start-rate",
            "label": _("Start rate"),
            "value": percent_text(cells["start_rate"]),
            "detail": _("%(started)s of %(signed)s signed have started")
            % {"started": cells["signed_started"], "signed": cells["signed_count"]},
        },
        {
            "key": "commission-rate",
            "label": _("Commissioning rate"),
            "value": percent_text(cells["commission_rate"]),
            "detail": _("%(commissioned)s of %(started)s started are in production")
            % {"commissioned": cells["started_commissioned"], "started": cells["started_count"]},
        },
        {
            "key": "completed",
            "label": _("Completed investment"),
            "value": cells["completed_yi"],
            "detail": _("hundred million yuan · %(rate)s of the started batch")
            % {"rate": percent_text(cells["completion_rate"])},
        },
    ]


def batch_row(kind, name, batch):
    """One row of a batch table: its kind (city, zone, chain, total) for styling, its name and its cells."""
    return {"kind": kind, "name": name, "cells": batch_cells(batch)}


def bulletin_rows(*, user, scope, period, as_of):
    """The bulletin table in two breakdown queries: each city (in a province scope) with its zones beneath.

    Returns the table's rows and the top level's (name, figures) pairs, which the bulletin's chart draws.
    """
    zones = figures.breakdown(user=user, scope=scope, period=period, by="zone", as_of=as_of)
    if scope.kind != OrgKind.PROVINCE:
        return [batch_row("zone", row.name, row) for row in zones], [(row.name, row) for row in zones]
    zones_by_city = {}
    for row in zones:
        zones_by_city.setdefault(row.city_code, []).append(batch_row("zone", row.name, row))
    cities = figures.breakdown(user=user, scope=scope, period=period, by="city", as_of=as_of)
    rows = []
    for city in cities:
        rows.append(batch_row("city", city.name, city))
        rows.extend(zones_by_city.get(city.key, []))
    return rows, [(city.name, city) for city in cities]


def with_table(spec):
    """A chart's spec with its figures also as table rows, shown under the chart for readers who cannot see it."""
    if spec["type"] == "funnel":
        spec["headings"] = [_("Value")]
        spec["rows"] = [(step["name"], [step["value"]]) for step in spec["data"]]
    else:
        spec["headings"] = [series["name"] for series in spec["series"]]
        columns = zip(*(series["data"] for series in spec["series"]), strict=True)
        spec["rows"] = list(zip(spec["categories"], map(list, columns), strict=True))
    return spec


def batch_chart(named_batches, *, title):
    """A grouped bar chart of batch counts (signed / started / commissioned), one group per (name, figures)."""
    return with_table(
        {
            "type": "bar",
            "title": title,
            "categories": [name for name, _batch in named_batches],
            "series": [
                {"name": _("Signed"), "data": [batch.signed.count for _name, batch in named_batches]},
                {"name": _("Started"), "data": [batch.started.count for _name, batch in named_batches]},
                {"name": _("Commissioned"), "data": [batch.commissioned.count for _name, batch in named_batches]},
            ],
        }
    )


def rates_chart(named_batches, *, title):
    """开工率 and 投产率 (percent, one decimal, half-up) per (name, figures); a gap where a rate is undefined."""

    def percent(value):
        return None if value is None else format_percent(value, 1)

    return with_table(
        {
            "type": "bar",
            "title": title,
            "categories": [name for name, _batch in named_batches],
            "series": [
                {"name": _("Start rate"), "data": [percent(batch.signed.start_rate) for _name, batch in named_batches]},
                {
                    "name": _("Commissioning rate"),
                    "data": [percent(batch.started.commission_rate) for _name, batch in named_batches],
                },
            ],
        }
    )


def funnel_chart(batch, *, year):
    """The lifecycle funnel of the year's batches: signed → started → commissioned → at capacity."""
    return with_table(
        {
            "type": "funnel",
            "title": _("%(year)s lifecycle funnel") % {"year": year},
            "data": [
                {"name": _("Signed"), "value": batch.signed.count},
                {"name": _("Started"), "value": batch.started.count},
                {"name": _("Commissioned"), "value": batch.commissioned.count},
                {"name": _("At capacity"), "value": batch.commissioned.at_capacity},
            ],
        }
    )


def months_chart(months, *, year):
    """Completed investment per month (亿元, as exact strings) from the figures' monthly series."""
    return with_table(
        {
            "type": "line",
            "title": _("%(year)s completed investment by month (100 million yuan)") % {"year": year},
            "categories": [f"{month.month:%Y-%m}" for month in months],
            "series": [{"name": _("Completed investment"), "data": [format_yi(month.amount) for month in months]}],
        }
    )


class YearForm(AsOfForm):
    year = forms.IntegerField(label=gettext_lazy("Year"), required=False, min_value=1900, max_value=2999)


class DashboardView(LoginRequiredMixin, AsOfMixin, TemplateView):
    """Home: KPI cards for the year and the latest round, the funnel, a breakdown, the monthly line, warnings.

    The bars are by city for the province, by zone for a city, and by round for a zone.
    """

    template_name = "reports/dashboard.html"
    form_class = YearForm

    def get(self, request, *args, **kwargs):
        if not request.user.reads_business_data:
            # The system and security administrators keep accounts, not the ledger (三员分立).
            return render(request, "reports/dashboard_no_ledger.html")
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        user = self.request.user
        scope = user_scope(user)
        as_of = self.get_as_of()
        round_ = latest_round(as_of)
        year = self.get_cleaned("year", campaign_year(round_, as_of))
        period = figures.Period.for_year(year)
        year_figures = figures.batch_figures(user=user, scope=scope, period=period, as_of=as_of)
        round_figures = round_ and figures.batch_figures(
            user=user, scope=scope, period=figures.Period.for_round(round_.label), as_of=as_of
        )
        months = figures.completed_by_month(user=user, scope=scope, year=year, as_of=as_of)
        self.show_in_form(as_of=as_of, year=year)
        return super().get_context_data(**kwargs) | {
            "scope": scope,
            "as_of": as_of,
            "year": year,
            "year_cards": kpi_cards(batch_cells(year_figures)),
            "latest_round": round_,
            "round_cards": round_figures and kpi_cards(batch_cells(round_figures)),
            "warning_counts": figures.warning_counts(user=user, scope=scope, as_of=as_of),
            "yellow_days": settings.ZONELEDGER_WARNING_YELLOW_DAYS,
            "red_days": settings.ZONELEDGER_WARNING_RED_DAYS,
            "charts": {
                "funnel": funnel_chart(year_figures, year=year),
                "bars": self.breakdown_chart(scope=scope, period=period, year=year, as_of=as_of),
                "months": months_chart(months, year=year),
            },
        }

    def breakdown_chart(self, *, scope, period, year, as_of):
        user = self.request.user
        if scope.kind == OrgKind.ZONE:
            # A zone has no parts to compare: its batches round by round show its year instead.
            rounds = [
                (
                    round_.label,
                    figures.batch_figures(
                        user=user, scope=scope, period=figures.Period.for_round(round_.label), as_of=as_of
                    ),
                )
                for round_ in Round.objects.filter(year=year)
            ]
            return batch_chart(rounds, title=_("%(year)s batches by round") % {"year": year})
        by = "city" if scope.kind == OrgKind.PROVINCE else "zone"
        rows = figures.breakdown(user=user, scope=scope, period=period, by=by, as_of=as_of)
        title = _("%(year)s batches by city") if by == "city" else _("%(year)s batches by zone")
        return batch_chart([(row.name, row) for row in rows], title=title % {"year": year})


def scope_choices(user):
    """The scopes a user may summarise, for a select: the province, their cities, their zones; one query."""
    zones = list(Zone.objects.visible_to(user).select_related("city").order_by("city_id", "name"))
    choices = []
    if user.org.kind == OrgKind.PROVINCE:
        choices.append(("province", _("The whole province")))
    if user.org.kind != OrgKind.ZONE:
        cities = {zone.city_id: zone.city.name for zone in zones}
        choices.append((_("Cities"), list(cities.items())))
    choices.append((_("Zones"), [(zone.name, zone.name) for zone in zones]))
    return choices


class YearSummaryForm(YearForm):
    # Free text behind a select: a scope outside the user's view must answer 404, not a form error.
    scope = forms.CharField(label=gettext_lazy("Scope"), required=False, widget=forms.Select)

    field_order = ["scope", "year", "as_of"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["scope"].widget.choices = scope_choices(user)


BREAKDOWN_LABELS = {"city": gettext_lazy("City"), "zone": gettext_lazy("Zone"), "chain": gettext_lazy("Industry chain")}
BREAKDOWN_OF = {OrgKind.PROVINCE: "city", OrgKind.CITY: "zone", OrgKind.ZONE: "chain"}


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


# The warnings table's sortable columns (figures.WARNING_SORTS orders them); days waiting read largest first.
WARNING_COLUMNS = [
    Column("name", gettext_lazy("Project")),
    Column("zone", gettext_lazy("Zone")),
    Column("investment", gettext_lazy("Total investment (10,000 yuan)"), numeric=True),
    Column("days", gettext_lazy("Days since signing"), numeric=True, descending_first=True),
]


class WarningsForm(AsOfForm):
    level = forms.ChoiceField(
        label=gettext_lazy("Level"),
        required=False,
        choices=[
            ("", gettext_lazy("All signed, not started")),
            ("red", gettext_lazy("Alarm")),
            ("yellow", gettext_lazy("Warning")),
        ],
    )
    sort = forms.ChoiceField(
        required=False,
        choices=[(key, key) for name in figures.WARNING_SORTS for key in (name, f"-{name}")],
        widget=forms.HiddenInput,
    )

    field_order = ["level", "as_of", "sort"]


class WarningsMixin(LoginRequiredMixin, AsOfMixin):
    """The 签约未开工 list of the user's scope, filtered by level and sorted as the query string asks.

    The list is filtered, sorted and paged in the database: a page of a province's list reads one page of rows.
    """

    form_class = WarningsForm

    def get_warnings(self):
        user = self.request.user
        if not user.reads_business_data:
            raise NotFound
        return figures.signed_not_started_rows(
            user=user,
            scope=user_scope(user),
            as_of=self.get_as_of(),
            level=self.get_cleaned("level", "") or None,
            sort=self.get_sort(),
        )

    def get_sort(self):
        return self.get_cleaned("sort", "-days")


class WarningsView(WarningsMixin, TemplateView):
    """签约未开工: days since signing, a coloured and worded level, sortable, paged, exportable.

    Sorting and filtering answer an htmx request with the table alone.
    """

    template_name = "reports/warnings.html"
    paginate_by = 50

    def get_template_names(self):
        if is_partial(self.request):
            return [f"{self.template_name}#table"]
        return [self.template_name]

    def get_context_data(self, **kwargs):
        page = Paginator(self.get_warnings(), self.paginate_by).get_page(self.request.GET.get("page"))
        self.show_in_form(as_of=self.get_as_of())
        return super().get_context_data(**kwargs) | {
            "page": page,
            "sort": self.get_sort(),
            "headings": sort_headings(self.request.GET, WARNING_COLUMNS, current=self.get_sort()),
            "export_query": self.request.GET.urlencode(),
            "yellow_days": settings.ZONELEDGER_WARNING_YELLOW_DAYS,
            "red_days": settings.ZONELEDGER_WARNING_RED_DAYS,
        }


LEVEL_TEXT = {"red": gettext_lazy("Alarm"), "yellow": gettext_lazy("Warning"), "": gettext_lazy("Watch")}


class WarningsExportView(WarningsMixin, View):
    """The warnings table as it is filtered and sorted on the page, as .xlsx."""

    def get(self, request, *args, **kwargs):
        warnings = list(self.get_warnings())
        buffer = io.BytesIO()
        write_warnings_xlsx(warnings, buffer)
        audit.record_export(
            actor=request.user, what="signed-not-started", count=len(warnings), filters=request.GET.dict()
        )
        filename = _("signed-not-started-%(date)s.xlsx") % {"date": self.get_as_of().isoformat()}
        return xlsx_response(buffer, filename)


def write_warnings_xlsx(warnings, file):
    """One sheet, one row per warning: amounts as numbers with two decimals, dates as dates, the level in words."""
    workbook = xlsxwriter.Workbook(file, {"in_memory": True, "strings_to_formulas": False})
    sheet = workbook.add_worksheet(_("Signed, not started")[:31])
    header = workbook.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True})
    money = workbook.add_format({"num_format": "#,##0.00"})
    day = workbook.add_format({"num_format": "yyyy-mm-dd"})
    columns = [
        (_("Project"), 40),
        (_("Zone"), 28),
        (_("City"), 12),
        (_("Total investment (10,000 yuan)"), 16),
        (_("Signed on"), 12),
        (_("Days since signing"), 10),
        (_("Level"), 10),
    ]
    for column, (title, width) in enumerate(columns):
        sheet.write_string(0, column, title, header)
        sheet.set_column(column, column, width)
    for row, warning in enumerate(warnings, start=1):
        sheet.write_string(row, 0, warning.name)
        sheet.write_string(row, 1, warning.zone)
        sheet.write_string(row, 2, warning.city)
        sheet.write_number(row, 3, warning.investment, money)
        sheet.write_datetime(row, 4, datetime.datetime.combine(warning.signed_on, datetime.time()), day)
        sheet.write_number(row, 5, warning.days)
        sheet.write_string(row, 6, str(LEVEL_TEXT[warning.level]))
    sheet.freeze_panes(1, 0)
    sheet.autofilter(0, 0, max(len(warnings), 1), len(columns) - 1)
    workbook.close()

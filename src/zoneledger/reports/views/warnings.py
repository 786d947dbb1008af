"""The warnings (/warnings/): 签约未开工 filtered, sorted and paged in the database; beside it 低于序时进度 and
未按时填报 of the latest month whose reports were due (the plan page's and the API's selectors) and a link to
节点逾期; the export holds all three lists."""

import io

from django.conf import settings
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.paginator import Paginator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView, View

from zoneledger.accounts.scope import user_scope
from zoneledger.audit import services as audit
from zoneledger.core.errors import NotFound
from zoneledger.core.http import is_partial, xlsx_response
from zoneledger.core.tables import Column, sort_headings
from zoneledger.progress import selectors as progress
from zoneledger.reports import figures
from zoneledger.reports.exports import write_warnings_xlsx
from zoneledger.reports.forms import AsOfMixin, WarningsForm

# The warnings table's sortable columns (figures.WARNING_SORTS orders them); days waiting read largest first.
WARNING_COLUMNS = [
    Column("name", gettext_lazy("Project")),
    Column("zone", gettext_lazy("Zone")),
    Column("investment", gettext_lazy("Total investment (10,000 yuan)"), numeric=True),
    Column("days", gettext_lazy("Days since signing"), numeric=True, descending_first=True),
]


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

    def get_report_warnings(self):
        """低于序时进度 and 未按时填报 as of the page's day, for the month they are about (`warning_month`)."""
        user, as_of = self.request.user, self.get_as_of()
        month = progress.warning_month(as_of)
        scope = user_scope(user)
        return (
            month,
            progress.behind_plan(user=user, month=month, scope=scope),
            progress.late_reports(user=user, month=month, today=as_of, scope=scope),
        )


class WarningsView(WarningsMixin, TemplateView):
    """签约未开工: days since signing, a coloured and worded level, sortable, paged, exportable.

    Sorting and filtering answer an htmx request with the table alone.
    """

    template_name = "reports/warnings.html"
    paginate_by = 50

    def get_template_names(self):
        if not is_partial(self.request):
            return [self.template_name]
        # The filter form (a new day) redraws every list; sorting and paging, the 签约未开工 table alone.
        part = "all" if self.request.headers.get("HX-Target") == "warnings-all" else "table"
        return [f"{self.template_name}#{part}"]

    def get_context_data(self, **kwargs):
        page = Paginator(self.get_warnings(), self.paginate_by).get_page(self.request.GET.get("page"))
        self.show_in_form(as_of=self.get_as_of())
        month, behind, late = self.get_report_warnings()
        return super().get_context_data(**kwargs) | {
            "page": page,
            "warning_month": month,
            "behind": behind[: self.paginate_by],
            "behind_count": len(behind),
            "late": late[: self.paginate_by],
            "late_count": len(late),
            "threshold": progress.plan_threshold() * 100,
            "due_day": progress.report_due_day(),
            "sort": self.get_sort(),
            "headings": sort_headings(self.request.GET, WARNING_COLUMNS, current=self.get_sort()),
            "export_query": self.request.GET.urlencode(),
            "yellow_days": settings.ZONELEDGER_WARNING_YELLOW_DAYS,
            "red_days": settings.ZONELEDGER_WARNING_RED_DAYS,
        }


class WarningsExportView(WarningsMixin, View):
    """The warnings table as it is filtered and sorted on the page, as .xlsx."""

    def get(self, request, *args, **kwargs):
        warnings = list(self.get_warnings())
        month, behind, late = self.get_report_warnings()
        buffer = io.BytesIO()
        scope = user_scope(request.user)
        write_warnings_xlsx(
            warnings, buffer, scope_name=scope.name, as_of=self.get_as_of(), month=month, behind=behind, late=late
        )
        audit.record_export(
            actor=request.user,
            what="warnings",
            count=len(warnings) + len(behind) + len(late),
            filters=request.GET.dict(),
        )
        filename = _("warnings-%(date)s.xlsx") % {"date": self.get_as_of().isoformat()}
        return xlsx_response(buffer, filename)

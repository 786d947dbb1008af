"""A round's bulletin (/rounds/140000/2023-4/): its table and charts for the user's scope, the .xlsx the office
prints and the 通报 as a .docx or PDF."""

import io

from django.contrib.auth.mixins import LoginRequiredMixin
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from zoneledger.accounts.scope import ScopeKind, user_scope
from zoneledger.audit import services as audit
from zoneledger.campaigns import selectors as rounds
from zoneledger.campaigns.models import Round
from zoneledger.campaigns.services import may_define_rounds
from zoneledger.core.http import xlsx_response
from zoneledger.reports import figures
from zoneledger.reports.bulletin import write_bulletin_xlsx
from zoneledger.reports.charts import batch_chart, rates_chart
from zoneledger.reports.forms import AsOfMixin
from zoneledger.reports.presenters import batch_row, bulletin_rows

from .documents import bulletin_document_response


class RoundMixin:
    """The round named by the URL (`140000/2023-4`) among the user's rounds: 404 when there is none."""

    def get_round(self) -> Round:
        province, year, sequence = (self.kwargs[key] for key in ("province", "year", "sequence"))
        return rounds.round_get(user=self.request.user, province=province, year=year, sequence=sequence)


class RoundBulletinView(LoginRequiredMixin, RoundMixin, AsOfMixin, TemplateView):
    """The round bulletin for the user's scope: cities with their zones beneath, a total, and charts."""

    template_name = "reports/round_bulletin.html"

    def get_context_data(self, **kwargs):
        round_ = self.get_round()
        user = self.request.user
        scope = user_scope(user)
        period = figures.Period.for_round(round_.label)
        as_of = self.get_as_of()
        self.show_in_form(as_of=as_of)
        rows, groups = bulletin_rows(user=user, scope=scope, period=period, as_of=as_of)
        by_city = scope.kind in (ScopeKind.NATION, ScopeKind.PROVINCE)
        title = _("Round %(round)s by city") if by_city else _("Round %(round)s by zone")
        rates_title = _("Round %(round)s rates by city (%%)") if by_city else _("Round %(round)s rates by zone (%%)")
        return super().get_context_data(**kwargs) | {
            "round": round_,
            "scope": scope,
            "as_of": as_of,
            "rows": rows,
            "nested": by_city,
            "total": batch_row(
                "total", _("Total"), figures.batch_figures(user=user, scope=scope, period=period, as_of=as_of)
            ),
            "charts": {
                "counts": batch_chart(groups, title=title % {"round": round_.label}),
                "rates": rates_chart(groups, title=rates_title % {"round": round_.label}),
            },
            "may_define_rounds": may_define_rounds(user),
        }


class RoundBulletinDownloadView(LoginRequiredMixin, RoundMixin, AsOfMixin, View):
    """The round bulletin as the .xlsx a provincial office prints, for the user's scope."""

    def get(self, request, *args, **kwargs):
        round_ = self.get_round()
        as_of = self.get_as_of()
        scope = user_scope(request.user)
        buffer = io.BytesIO()
        write_bulletin_xlsx(
            user=request.user, scope=scope, period=figures.Period.for_round(round_.label), as_of=as_of, file=buffer
        )
        audit.record_export(
            actor=request.user,
            what=f"bulletin {round_.label}",
            count=1,
            filters={"scope": scope.name, "as_of": as_of.isoformat()},
        )
        return xlsx_response(buffer, _("bulletin-%(round)s.xlsx") % {"round": round_.label})


class RoundBulletinDocumentView(LoginRequiredMixin, RoundMixin, AsOfMixin, View):
    """The round's 通报 as a .docx or a PDF (`kind`), for the user's scope, as of the page's date."""

    def get(self, request, *args, kind, **kwargs):
        round_ = self.get_round()
        as_of = self.get_as_of()
        return bulletin_document_response(
            request,
            kind=kind,
            scope=user_scope(request.user),
            period=figures.Period.for_round(round_.label),
            as_of=as_of,
            filename=_("bulletin-%(round)s.%(kind)s") % {"round": round_.label, "kind": kind},
            back_to=reverse("reports:round_bulletin", kwargs=round_.url_kwargs) + f"?as_of={as_of.isoformat()}",
        )

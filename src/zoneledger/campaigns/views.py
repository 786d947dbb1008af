"""The rounds pages: the list, one round's bulletin (table, charts, .xlsx), and the province's round form."""

import io

from django.contrib.auth.mixins import LoginRequiredMixin, UserPassesTestMixin
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView, ListView, TemplateView

from zoneledger.accounts.choices import OrgKind
from zoneledger.audit import services as audit
from zoneledger.core.http import xlsx_response
from zoneledger.reports import figures
from zoneledger.reports.bulletin import write_bulletin_xlsx
from zoneledger.reports.charts import batch_chart, rates_chart
from zoneledger.reports.forms import AsOfMixin
from zoneledger.reports.presenters import batch_row, bulletin_rows, user_scope

from . import services
from .forms import RoundForm
from .models import Round


def may_define_rounds(user):
    """Rounds are the province's: only its business administrators define them (the service checks it too)."""
    return user.is_authenticated and user.can_administer and user.org is not None and user.org.kind == OrgKind.PROVINCE


class RoundListView(LoginRequiredMixin, ListView):
    """Every round, newest first; rounds are province-wide, so every business user sees them all."""

    template_name = "campaigns/round_list.html"
    context_object_name = "rounds"

    def get_queryset(self):
        return Round.objects.order_by("-year", "-sequence")

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {"may_define_rounds": may_define_rounds(self.request.user)}


class RoundMixin:
    """Finds the round named by the URL (`2023-4`): 404 when there is none."""

    def get_round(self):
        return get_object_or_404(Round, year=self.kwargs["year"], sequence=self.kwargs["sequence"])


class RoundDetailView(LoginRequiredMixin, RoundMixin, AsOfMixin, TemplateView):
    """The round bulletin for the user's scope: cities with their zones beneath, a total, and charts."""

    template_name = "campaigns/round_detail.html"

    def get_context_data(self, **kwargs):
        round_ = self.get_round()
        user = self.request.user
        scope = user_scope(user)
        period = figures.Period.for_round(round_.label)
        as_of = self.get_as_of()
        self.show_in_form(as_of=as_of)
        rows, groups = bulletin_rows(user=user, scope=scope, period=period, as_of=as_of)
        by_city = scope.kind == OrgKind.PROVINCE
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


class BulletinDownloadView(LoginRequiredMixin, RoundMixin, AsOfMixin, View):
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


class RoundAdminMixin(LoginRequiredMixin, UserPassesTestMixin):
    """Only a province administrator may open the round form; everyone else gets 403."""

    def test_func(self):
        return may_define_rounds(self.request.user)


class RoundCreateView(RoundAdminMixin, FormView):
    """Define a new round (`round_create`)."""

    template_name = "campaigns/round_form.html"
    form_class = RoundForm

    def form_valid(self, form):
        try:
            round_ = services.round_create(actor=self.request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        return redirect("campaigns:round_detail", year=round_.year, sequence=round_.sequence)


class RoundUpdateView(RoundAdminMixin, RoundMixin, FormView):
    """Correct a round's date, title or venues (`round_update`); the label stays."""

    template_name = "campaigns/round_form.html"
    form_class = RoundForm

    def get_form_kwargs(self):
        self.round = self.get_round()
        return super().get_form_kwargs() | {"editing": True}

    def get_initial(self):
        return {"held_on": self.round.held_on, "title": self.round.title, "venues": self.round.venues}

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {"round": self.round}

    def form_valid(self, form):
        try:
            services.round_update(actor=self.request.user, round_=self.round, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        return redirect("campaigns:round_detail", year=self.round.year, sequence=self.round.sequence)

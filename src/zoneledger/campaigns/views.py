"""The rounds pages: the list and the province's round form (a round's bulletin is a report, in reports); the year
targets' form."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin, UserPassesTestMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import FormView, ListView, TemplateView

from zoneledger.accounts.scope import ScopeKind
from zoneledger.core.errors import Conflict

from . import selectors, services
from .forms import RoundForm, TargetForm
from .models import MAX_YEAR, MIN_YEAR
from .services import TARGET_FIELDS, TargetFigures, may_define_rounds, sets_targets


class RoundListView(LoginRequiredMixin, ListView):
    """Every round, newest first; rounds are province-wide, so every business user sees them all."""

    template_name = "campaigns/round_list.html"
    context_object_name = "rounds"

    def get_queryset(self):
        return selectors.round_list(user=self.request.user)

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {"may_define_rounds": may_define_rounds(self.request.user)}


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
        return redirect("reports:round_bulletin", **round_.url_kwargs)


class RoundUpdateView(RoundAdminMixin, FormView):
    """Correct a round's date, title or venues (`round_update`); the label stays."""

    template_name = "campaigns/round_form.html"
    form_class = RoundForm

    def get_form_kwargs(self):
        self.round = selectors.round_get(user=self.request.user, **self.kwargs)
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
        return redirect("reports:round_bulletin", **self.round.url_kwargs)


class TargetsView(LoginRequiredMixin, TemplateView):
    """A year's targets of the scopes one level down (`selectors.target_rows`), set on one form: all saved through
    `targets_set` or none (a bad figure, a stale row or a refusal names itself and changes nothing). Only those who
    set targets open it (403 for everyone else)."""

    template_name = "campaigns/target_form.html"

    def dispatch(self, request, *args, **kwargs):
        self.year = kwargs["year"]
        if not MIN_YEAR <= self.year <= MAX_YEAR:
            raise Http404
        if request.user.is_authenticated and not sets_targets(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def rows(self, data=None):
        rows = []
        for scope, target in selectors.target_rows(user=self.request.user, year=self.year):
            key = scope.zone_id if scope.kind == ScopeKind.ZONE else scope.code
            initial = {name: getattr(target, name) for name in TARGET_FIELDS} if target else {}
            initial["version"] = target.version if target else 0
            rows.append({"key": key, "scope": scope, "form": TargetForm(data, initial=initial, prefix=f"t{key}")})
        return rows

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {"year": self.year, "rows": kwargs.get("rows") or self.rows()}

    def post(self, request, *args, **kwargs):
        rows = self.rows(request.POST)
        if not all(row["form"].is_valid() for row in rows):
            return self.render_to_response(self.get_context_data(rows=rows), status=400)
        entries = [
            (
                row["scope"],
                TargetFigures(**{name: row["form"].cleaned_data[name] for name in TARGET_FIELDS}),
                row["form"].cleaned_data["version"],
            )
            for row in rows
        ]
        try:
            services.targets_set(actor=request.user, year=self.year, entries=entries)
        except Conflict as error:
            # The page shows the targets as they are now, to be set again from there.
            return self.render_to_response(self.get_context_data(rows=self.rows(), refusal=str(error)), status=409)
        except ValidationError as error:
            return self.render_to_response(self.get_context_data(rows=rows, refusal=error.messages[0]), status=400)
        messages.success(request, _("The targets for %(year)s are saved.") % {"year": self.year})
        return redirect("campaigns:targets", year=self.year)


@login_required
def targets_this_year(request):
    """/rounds/targets/ opens this year's targets."""
    return redirect("campaigns:targets", year=timezone.localdate().year)

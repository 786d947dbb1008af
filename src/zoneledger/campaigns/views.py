"""The rounds pages: the list and the province's round form (a round's bulletin is a report, in reports)."""

from django.contrib.auth.mixins import LoginRequiredMixin, UserPassesTestMixin
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.views.generic import FormView, ListView

from . import selectors, services
from .forms import RoundForm
from .services import may_define_rounds


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

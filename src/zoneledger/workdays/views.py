"""The working days page: a province administrator reads a year's holidays and 调休 days and corrects them."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from zoneledger.core.calendar import package_knows
from zoneledger.core.errors import NotAllowed, error_lines

from . import services
from .forms import OverrideForm, YearDayForm, YearEnterForm
from .permissions import kept_province
from .selectors import workday_year

# Years the page shows: the package starts in 2004; far-off years are a typing slip, not a plan.
YEARS = range(2000, 2101)


class KeeperMixin(LoginRequiredMixin):
    """Only a business administrator of a province comes in (403 for everyone else), and only to that province."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.province_code = kept_province(request.user)
        if self.province_code is None:
            raise NotAllowed
        if "year" in kwargs and kwargs["year"] not in YEARS:
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def back(self):
        return redirect("workdays:year", year=self.kwargs["year"])

    def refuse(self, error):
        for line in error_lines(error) if isinstance(error, ValidationError) else [str(error)]:
            messages.error(self.request, line)
        return self.back()


class WorkdayIndexView(KeeperMixin, View):
    """The working days page of this year."""

    def get(self, request):
        return redirect("workdays:year", year=timezone.localdate().year)


class WorkdayYearView(KeeperMixin, View):
    """A year of the province: the notice's days with the province's corrections; POST adds a correction."""

    template_name = "workdays/workday_year.html"

    def get(self, request, year):
        # A year the package does not know is entered holiday by holiday: rest days are what is typed most.
        return self.show(OverrideForm(year=year, initial={"working": "1" if package_knows(year) else "0"}))

    def post(self, request, year):
        form = OverrideForm(request.POST, year=year)
        if form.is_valid():
            try:
                override = services.workday_override_set(
                    actor=request.user, province_code=self.province_code, **form.cleaned_data
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                done = _("%(day)s is now a working day.") if override.working else _("%(day)s is now a rest day.")
                messages.success(request, done % {"day": override.day.isoformat()})
                return self.back()
        return self.show(form, status=400)

    def show(self, form, status=200):
        year = self.kwargs["year"]
        context = {
            "page": workday_year(user=self.request.user, year=year),
            "province": self.request.user.org.division,
            "form": form,
            "enter_form": YearEnterForm(),
            "previous_year": year - 1 if year - 1 in YEARS else None,
            "next_year": year + 1 if year + 1 in YEARS else None,
        }
        return render(self.request, self.template_name, context, status=status)


class OverrideRemoveView(KeeperMixin, View):
    """Remove a correction: the notice (or the week) decides that day again."""

    def post(self, request, year):
        form = YearDayForm(request.POST, year=year)
        if not form.is_valid():
            return self.refuse(form.errors.as_data()["day"][0])
        try:
            services.workday_override_remove(
                actor=request.user, province_code=self.province_code, day=form.cleaned_data["day"]
            )
        except ValidationError as error:
            return self.refuse(error)
        removed = form.cleaned_data["day"].isoformat()
        messages.success(request, _("Removed the correction of %(day)s.") % {"day": removed})
        return self.back()


class YearEnterView(KeeperMixin, View):
    """Declare a year the package does not know as entered by the province, or take that back."""

    def post(self, request, year):
        if request.POST.get("action") == "withdraw":
            try:
                services.workday_year_withdraw(actor=request.user, province_code=self.province_code, year=year)
            except ValidationError as error:
                return self.refuse(error)
            messages.success(request, _("%(year)s is no longer marked as entered.") % {"year": year})
            return self.back()
        form = YearEnterForm(request.POST)
        if not form.is_valid():
            return self.refuse(form.errors.as_data()["note"][0])
        try:
            services.workday_year_enter(
                actor=request.user, province_code=self.province_code, year=year, note=form.cleaned_data["note"]
            )
        except ValidationError as error:
            return self.refuse(error)
        messages.success(request, _("%(year)s is entered: its days now count.") % {"year": year})
        return self.back()

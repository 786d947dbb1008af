"""The read-side pages' filter forms (the as-of date, the year, the scope, the warnings' level and sort) and
the mixin through which a page reads its form from the query string."""

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zoneledger.accounts.scope import NATION, PROVINCE, ScopeKind, user_scope
from zoneledger.core.dates import EARLIEST, LATEST, DateField
from zoneledger.reports import figures
from zoneledger.reports.presenters import today
from zoneledger.zones.models import Zone


class AsOfForm(forms.Form):
    """The as-of date every figures page takes: events dated after it do not count."""

    as_of = DateField(label=gettext_lazy("As of"), required=False)


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


class YearForm(AsOfForm):
    year = forms.IntegerField(
        label=gettext_lazy("Year"), required=False, min_value=EARLIEST.year, max_value=LATEST.year
    )


def scope_choices(user):
    """The scopes a user may summarise, for a select: the nation and its provinces, the province, the cities and the
    zones that lie in the user's scope and hold zones; one query beside the user's own scope."""
    kind = user_scope(user).kind
    zones = list(
        Zone.objects.visible_to(user).select_related("city", "province").order_by("province_id", "city_id", "name")
    )
    choices = []
    if kind == ScopeKind.NATION:
        choices.append((NATION, _("The whole country")))
        provinces = {zone.province_id: zone.province.name for zone in zones}
        choices.append((_("Provinces"), list(provinces.items())))
    if kind == ScopeKind.PROVINCE:
        choices.append((PROVINCE, _("The whole province")))
    if kind != ScopeKind.ZONE:
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

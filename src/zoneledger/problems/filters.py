"""The problem queue's one filter set: the page, its htmx updates, the Excel export and the API read through it.

The colour filter and the colour column are computed in the database for the day the queue is read (`as_of`),
from the stored deadlines and the day by which a deadline counts as due (`clock.due_by`, one working day ahead).
"""

from collections.abc import Callable
from datetime import date

import django_filters
from django.db.models import Case, CharField, Q, QuerySet, Value, When
from django.utils.translation import gettext_lazy as _

from zoneledger.zones.models import Division, Zone

from .choices import OPEN_STATES, Colour, Level, State, Tier
from .models import Problem


def overdue_q(as_of: date) -> Q:
    """Problems with a running deadline before `as_of`."""
    return (
        Q(state=State.RAISED, plan_due__lt=as_of)
        | Q(state__in=[State.RAISED, State.PLANNED], reply_due__lt=as_of)
        | Q(state__in=OPEN_STATES, solve_due__lt=as_of)
    )


def due_q(due_by: date) -> Q:
    """Problems with a running deadline on or before `due_by` (overdue ones too: exclude them first)."""
    return (
        Q(state=State.RAISED, plan_due__lte=due_by)
        | Q(state__in=[State.RAISED, State.PLANNED], reply_due__lte=due_by)
        | Q(state__in=OPEN_STATES, solve_due__lte=due_by)
    )


def colour_expression(as_of: date, due_by: date) -> Case:
    """The problem's colour on `as_of` as a database expression (clock.colour, computed where the rows are)."""
    return Case(
        When(overdue_q(as_of), then=Value(Colour.RED.value)),
        When(due_q(due_by), then=Value(Colour.YELLOW.value)),
        default=Value(Colour.GREEN.value),
        output_field=CharField(),
    )


STATUS_CHOICES = [("open", _("Open")), *State.choices]


class ProblemFilter(django_filters.FilterSet):
    """Filters of the problem queue over the problems the user may see (`selectors.problem_filter` builds it)."""

    q = django_filters.CharFilter(label=_("Search"), method="filter_text")
    status = django_filters.ChoiceFilter(
        label=_("State"), choices=STATUS_CHOICES, method="filter_status", empty_label=_("All states")
    )
    colour = django_filters.ChoiceFilter(label=_("Colour"), choices=Colour.choices, empty_label=_("All colours"))
    tier = django_filters.ChoiceFilter(label=_("Sits at"), choices=Tier.choices, empty_label=_("All levels"))
    level = django_filters.ChoiceFilter(label=_("Level"), choices=Level.choices, empty_label=_("All levels"))
    category = django_filters.ChoiceFilter(label=_("Category"), choices=[], empty_label=_("All categories"))
    zone = django_filters.ModelChoiceFilter(label=_("Zone"), queryset=Zone.objects.none(), empty_label=_("All zones"))
    city = django_filters.ModelChoiceFilter(
        label=_("City"), field_name="zone__city", queryset=Division.objects.none(), empty_label=_("All cities")
    )
    project = django_filters.NumberFilter(label=_("Project"), field_name="project_id")
    sort = django_filters.OrderingFilter(
        label=_("Sort by"),
        fields=(("raised_at", "raised"), ("solve_due", "solve_due"), ("zone__name", "zone"), ("title", "title")),
    )

    class Meta:
        model = Problem
        fields: list[str] = []

    def __init__(
        self, data=None, *, queryset: QuerySet, user, categories: Callable[[], list[tuple[str, str]]], **kwargs
    ):
        """`categories` gives the category choices when the form is shown or a category is asked for (a list's
        page without either reads none)."""
        super().__init__(data, queryset=queryset, **kwargs)
        zones = Zone.objects.visible_to(user)
        self.filters["zone"].queryset = zones
        self.filters["city"].queryset = Division.objects.filter(city_zones__in=zones).distinct().order_by("code")
        self.filters["category"].extra["choices"] = categories
        self.form.fields["project"].widget = self.form.fields["project"].hidden_widget()

    def filter_text(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(Q(title__icontains=value) | Q(project__name__icontains=value))

    def filter_status(self, queryset, name, value):
        if value == "open":
            return queryset.filter(state__in=OPEN_STATES)
        return queryset.filter(state=value)

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        ordering = queryset.query.order_by or ["-raised_at"]
        return queryset.order_by(*ordering, "-pk")

"""The ledger's one filter set: the page, its htmx updates and the Excel export all read rows through it."""

import django_filters
from django.db.models import Case, Exists, IntegerField, OuterRef, Q, Value, When
from django.utils.translation import gettext_lazy as _

from zoneledger.campaigns.models import Round
from zoneledger.chains.models import Chain
from zoneledger.zones.models import Division, Zone

from .choices import STAGE_ORDER, KeyLevel, Stage
from .models import Project, StageEvent


class ProjectFilter(django_filters.FilterSet):
    """Filters of the ledger over the projects the user may see (`projects.selectors.project_filter` builds it).

    The choices of zones, cities, rounds and chains are the user's own, so a filter can't name another's.
    """

    q = django_filters.CharFilter(label=_("Search"), method="filter_text")
    zone = django_filters.ModelChoiceFilter(label=_("Zone"), queryset=Zone.objects.none(), empty_label=_("All zones"))
    city = django_filters.ModelChoiceFilter(
        label=_("City"), field_name="zone__city", queryset=Division.objects.none(), empty_label=_("All cities")
    )
    stage = django_filters.ChoiceFilter(label=_("Stage"), choices=Stage.choices, empty_label=_("All stages"))
    round = django_filters.ModelChoiceFilter(
        label=_("Round"),
        queryset=Round.objects.none(),
        method="filter_round",
        empty_label=_("All rounds"),
    )
    chain = django_filters.ModelChoiceFilter(
        label=_("Industry chain"), queryset=Chain.objects.none(), empty_label=_("All chains")
    )
    industry = django_filters.CharFilter(label=_("Industry code"), field_name="industry_code", lookup_expr="startswith")
    key_level = django_filters.ChoiceFilter(
        label=_("Key-project level"),
        choices=[(value, label) for value, label in KeyLevel.choices if value],
        empty_label=_("All levels"),
    )
    leader = django_filters.CharFilter(
        label=_("Leader in charge"), field_name="leader_in_charge", lookup_expr="icontains"
    )
    approvals = django_filters.ChoiceFilter(
        label=_("Approvals"),
        choices=[("pending", _("Incomplete (手续未齐)"))],
        empty_label=_("Any"),
        method="filter_approvals",
    )
    sort = django_filters.OrderingFilter(
        label=_("Sort by"),
        fields=(
            ("code", "code"),
            ("name", "name"),
            ("zone__name", "zone"),
            ("enterprise_name", "enterprise"),
            ("stage_rank", "stage"),
            ("total_investment", "investment"),
            ("leader_in_charge", "leader"),
        ),
    )

    class Meta:
        model = Project
        fields = []

    def __init__(self, data=None, *, queryset, user, **kwargs):
        super().__init__(data, queryset=queryset, **kwargs)
        zones = Zone.objects.visible_to(user)
        self.filters["zone"].queryset = zones
        self.filters["city"].queryset = Division.objects.filter(city_zones__in=zones).distinct().order_by("code")
        self.filters["round"].queryset = Round.objects.visible_to(user).order_by("-year", "-sequence")
        self.filters["chain"].queryset = Chain.objects.visible_to(user)

    def filter_text(self, queryset, name, value):
        """Name, project code, enterprise name or USCC containing the text (the header's search box asks this)."""
        value = value.strip()
        return queryset.filter(
            Q(name__icontains=value)
            | Q(code__icontains=value)
            | Q(enterprise_name__icontains=value)
            | Q(enterprise__uscc__icontains=value)
        )

    def filter_round(self, queryset, name, value):
        """Projects presented at the round: a live event of any stage in it."""
        in_round = StageEvent.objects.live().filter(project=OuterRef("pk"), round=value)
        return queryset.filter(Exists(in_round))

    def filter_approvals(self, queryset, name, value):
        """手续未齐: projects with an approval item not yet 已办. The items are the approvals app's, which sits above
        projects: they are reached through the relation it declares, and its queryset says which are pending."""
        items = Project._meta.get_field("approval_items").related_model.objects.pending()
        return queryset.filter(Exists(items.filter(project=OuterRef("pk"))))

    def filter_queryset(self, queryset):
        # A unique tie-breaker keeps pages stable: equal sort keys must not shuffle rows between pages.
        # Stages sort in lifecycle order, not alphabetically; a project without events comes first.
        stage_rank = Case(
            *(When(stage=stage, then=Value(rank)) for stage, rank in STAGE_ORDER.items()),
            default=Value(-1),
            output_field=IntegerField(),
        )
        queryset = super().filter_queryset(queryset.annotate(stage_rank=stage_rank))
        ordering = queryset.query.order_by or Project._meta.ordering
        return queryset.order_by(*ordering, "pk")

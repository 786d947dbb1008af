"""The problem pages' forms: raising a problem, taking a step, the day a queue is read."""

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from zoneledger.accounts.models import OrgUnit, User
from zoneledger.accounts.scope import zone_scope
from zoneledger.core.attachments import MultipleImageField
from zoneledger.zones.models import Zone

from .choices import Level
from .models import Problem
from .workflow import ACTIONS


class RaiseForm(forms.ModelForm):
    """Raise a problem of a project: the responsible organisation is the zone's own or one above it."""

    class Meta:
        model = Problem
        fields = ["title", "description", "category", "level", "owner_org", "owner"]
        widgets = {"description": forms.Textarea(attrs={"rows": 4}), "level": forms.RadioSelect}

    def __init__(self, *args, zone: Zone, categories: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"] = forms.ChoiceField(label=_("Category"), choices=categories)
        self.fields["level"].choices = Level.choices
        covering = _orgs_covering(zone)
        self.fields["owner_org"].queryset = covering
        self.fields["owner"].queryset = User.objects.filter(org__in=covering, is_active=True).order_by("username")
        self.fields["owner"].required = False


def _orgs_covering(zone: Zone):
    """The org units responsible for a zone: its own, its city's, its province's."""
    scope = zone_scope(zone)
    return OrgUnit.objects.filter(
        Q(zone=zone) | Q(kind="city", division_id=scope.city) | Q(kind="province", division_id=scope.province)
    ).order_by("-kind", "name")


class ActForm(forms.Form):
    step = forms.ChoiceField(label=_("Step"), choices=[(step, step) for step in ACTIONS])
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class AsOfForm(forms.Form):
    as_of = forms.DateField(label=_("As of"), required=False, widget=forms.DateInput(attrs={"type": "date"}))


class LeaderForm(forms.Form):
    """The leader in charge of a project: a user of the zone, its city or its province (empty: none)."""

    user = forms.ModelChoiceField(
        label=_("Leader in charge"), queryset=User.objects.none(), required=False, empty_label=_("(none)")
    )

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = User.objects.filter(
            org__in=_orgs_covering(project.zone), is_active=True
        ).order_by("org__kind", "username")


class ZoneRaiseForm(RaiseForm):
    """Raise a problem of a whole zone (no project): the zone is one the user writes in."""

    zone = forms.ModelChoiceField(label=_("Zone"), queryset=Zone.objects.none())

    class Meta(RaiseForm.Meta):
        fields = ["zone", *RaiseForm.Meta.fields]

    def __init__(self, *args, zones, categories: list[tuple[str, str]], **kwargs):
        data = args[0] if args else kwargs.get("data")
        chosen = zones.filter(pk=data.get("zone")).first() if data and str(data.get("zone", "")).isdigit() else None
        super().__init__(*args, zone=chosen or zones.first(), categories=categories, **kwargs)
        self.fields["zone"].queryset = zones
        self.order_fields(["zone", *RaiseForm.Meta.fields])


class AttachForm(forms.Form):
    """Photos added to a problem (checked by the service: type by content, size, count)."""

    photos = MultipleImageField(
        label=_("Photos"), required=True, help_text=_("JPEG, PNG or WebP, of the site or of a document.")
    )


class TaskForceForm(forms.Form):
    """A task force's name, lead, members and projects; its projects one per line, each by its code or number."""

    name = forms.CharField(label=_("Name of the task force"), max_length=200)
    lead = forms.ModelChoiceField(label=_("Lead"), queryset=User.objects.none())
    members = forms.ModelMultipleChoiceField(
        label=_("Members"), queryset=User.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )
    projects = forms.CharField(
        label=_("Projects"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("One project per line: its project code or its number, then anything (its name, for instance)."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, people, projects, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lead"].queryset = people
        self.fields["members"].queryset = people
        self._projects = projects  # the projects the user may put in: those of their scope

    def clean_projects(self):
        """The projects named, each found in the user's scope; every line that names none is an error."""
        found, unknown = [], []
        for line in self.cleaned_data["projects"].splitlines():
            if not line.strip():
                continue
            reference = line.split()[0]
            match = Q(code=reference) | (Q(pk=int(reference)) if reference.isdigit() else Q(pk__in=[]))
            project = self._projects.filter(match).first()
            if project is None:
                unknown.append(reference)
            elif project not in found:
                found.append(project)
        if unknown:
            raise forms.ValidationError(
                _("No project “%(references)s” in your scope.") % {"references": "”, “".join(unknown)}
            )
        return found

"""Forms of the project pages. They only check and convert input; the services do every write."""

from django import forms
from django.utils.translation import gettext_lazy as _

from zoneledger.accounts.scope import writable_zone_filter
from zoneledger.campaigns.models import Round
from zoneledger.chains.models import Chain, ChainLink
from zoneledger.core.codes import validate_uscc
from zoneledger.core.dates import DateField
from zoneledger.core.text import CELL_CHARACTERS
from zoneledger.enterprises.services import enterprise_resolve
from zoneledger.zones.models import Zone

from .choices import Stage
from .models import Project
from .services import PROJECT_FACTS


class ProjectForm(forms.ModelForm):
    """A project's facts. The enterprise is typed by name and USCC, as in the zones' spreadsheets."""

    enterprise_name = forms.CharField(label=_("Enterprise (建设单位)"), max_length=200, required=False)
    enterprise_uscc = forms.CharField(
        label=_("Unified social credit code"), max_length=18, required=False, validators=[validate_uscc]
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    field_order = ["code", "name", "zone", "enterprise_name", "enterprise_uscc"]

    class Meta:
        model = Project
        # The facts the services take, but the enterprise (typed above) and the demo's own marker.
        fields = [name for name in PROJECT_FACTS if name not in ("enterprise", "is_illustrative")]
        # A browser counts maxlength in UTF-16 code units, as a cell does.
        widgets = {"construction_content": forms.Textarea(attrs={"rows": 3, "maxlength": CELL_CHARACTERS})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["zone"].queryset = Zone.objects.filter(writable_zone_filter(user, prefix=""))
        chains = Chain.objects.visible_to(user)
        self.fields["chain"].queryset = chains
        self.fields["chain_link"].queryset = ChainLink.objects.filter(chain__in=chains).select_related("chain")
        self.fields["zone"].empty_label = _("Choose a zone")
        self.fields["chain"].empty_label = self.fields["chain_link"].empty_label = _("(none)")
        if not self.instance.pk and user.org and user.org.zone_id:
            self.fields["zone"].initial = user.org.zone_id
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version
            if self.instance.enterprise_id:
                self.fields["enterprise_uscc"].initial = self.instance.enterprise.uscc

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("enterprise_uscc") and not cleaned.get("enterprise_name"):
            self.add_error("enterprise_name", _("Give the enterprise's name with its code."))
        return cleaned

    def facts(self):
        """The cleaned project facts, keyed as the services take them (enterprise resolved separately)."""
        return {name: self.cleaned_data[name] for name in self._meta.fields}

    def enterprise(self, actor):
        """The enterprise the form names, found or added by the service (call it in the write's transaction)."""
        name = self.cleaned_data["enterprise_name"]
        if not name:
            return None
        return enterprise_resolve(actor=actor, name=name, uscc=self.cleaned_data["enterprise_uscc"] or None)


class StageForm(forms.Form):
    """Record that the project reached a stage."""

    stage = forms.ChoiceField(label=_("Stage"), choices=Stage.choices)
    happened_on = DateField(label=_("Date"))
    round = forms.ModelChoiceField(
        label=_("Round"), queryset=Round.objects.none(), required=False, empty_label=_("No round")
    )
    note = forms.CharField(label=_("Note"), max_length=500, required=False)

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        # A round is its province's: a project is presented only at its own province's rounds.
        self.fields["round"].queryset = Round.objects.filter(province_id=project.zone.province_id).order_by(
            "-year", "-sequence"
        )


class VoidForm(forms.Form):
    """Void a wrong stage event; the reason is kept with it."""

    reason = forms.CharField(label=_("Reason"), max_length=500)

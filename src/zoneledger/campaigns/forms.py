"""The province's round form: what a province administrator types to define or correct a round."""

from django import forms
from django.utils.translation import gettext_lazy as _

from zoneledger.core.dates import DateField

from .models import parse_round_label


class RoundForm(forms.Form):
    """A round's label (only when it is created: the label is its identity), date, title and venues."""

    label = forms.CharField(
        label=_("Round"),
        max_length=7,
        help_text=_("Year and sequence, such as 2024-1."),
    )
    held_on = DateField(label=_("Held on"))
    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    venues = forms.CharField(label=_("Venues"), max_length=300, required=False)

    def __init__(self, *args, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["label"]

    def clean_label(self):
        year, sequence = parse_round_label(self.cleaned_data["label"])
        if sequence < 1:
            raise forms.ValidationError(_("A round's sequence starts at 1."))
        return f"{year}-{sequence}"


class TargetForm(forms.Form):
    """One scope's year target on the year's form: four figures, each blank for "no target", and the version the
    page showed (a stale form is refused by `target_set`)."""

    signed_count = forms.IntegerField(label=_("Projects signed"), min_value=0, required=False)
    signed_investment = forms.DecimalField(
        label=_("Investment signed (万元)"), min_value=0, max_digits=14, decimal_places=2, required=False
    )
    start_rate = forms.DecimalField(
        label=_("Start rate (%)"), min_value=0, max_value=100, max_digits=5, decimal_places=2, required=False
    )
    completed = forms.DecimalField(
        label=_("Completed investment (万元)"), min_value=0, max_digits=14, decimal_places=2, required=False
    )
    version = forms.IntegerField(min_value=0, widget=forms.HiddenInput)

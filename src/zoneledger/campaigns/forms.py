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

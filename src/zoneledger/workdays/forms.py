"""What a province administrator types on the working days page."""

from django import forms
from django.utils.translation import gettext_lazy as _

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class YearDayForm(forms.Form):
    """A day of the page's year (a day of another year belongs on that year's page)."""

    day = forms.DateField(label=_("Day"), widget=DATE_WIDGET)

    def __init__(self, *args, year, **kwargs):
        super().__init__(*args, **kwargs)
        self.year = year

    def clean_day(self):
        day = self.cleaned_data["day"]
        if day.year != self.year:
            raise forms.ValidationError(_("Choose a day of %(year)s.") % {"year": self.year})
        return day


class OverrideForm(YearDayForm):
    """A correction: the day, what it becomes, and why (the notice's number, a local holiday…)."""

    working = forms.TypedChoiceField(
        label=_("The day becomes"),
        choices=[("1", _("a working day")), ("0", _("a rest day"))],
        coerce=lambda value: value == "1",
    )
    note = forms.CharField(
        label=_("Note"),
        max_length=200,
        required=False,
        help_text=_("Why, e.g. the notice's number or a holiday of the province's own."),
    )


class YearEnterForm(forms.Form):
    """Declare the year entered by the province (or take that back)."""

    note = forms.CharField(
        label=_("Note"),
        max_length=200,
        required=False,
        help_text=_("The notice it was entered from: its number and date."),
    )

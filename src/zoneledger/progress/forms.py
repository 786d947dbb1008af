"""The monthly report's forms: a month of one project, and a reviewer's decision on many."""

from django import forms
from django.utils.translation import gettext_lazy as _

from zoneledger.core.attachments import MultipleImageField

from .choices import ReportState


class ReportForm(forms.Form):
    """A month's report: exact 万元 (two decimals), 形象进度 and a note; saved as a draft or submitted."""

    amount = forms.DecimalField(
        label=_("Completed investment this month (万元)"), min_value=0, max_digits=14, decimal_places=2
    )
    physical_progress = forms.CharField(
        label=_("Physical progress (形象进度)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        required=False,
    )
    note = forms.CharField(label=_("Note"), max_length=500, required=False)
    photos = MultipleImageField(
        label=_("Add photos"),
        help_text=_("JPEG, PNG or WebP; they are added to the report when you save or submit it."),
    )
    action = forms.ChoiceField(
        choices=[("submit", _("Submit")), ("save", _("Save as draft"))], initial="submit", widget=forms.HiddenInput
    )


class MonthEntryForm(forms.Form):
    """One project's row on the zone's month page: the month's amount and 形象进度, entered in place.

    Prefixed by the project (`p<pk>-amount`), so that one form of the page holds every row and a row's own
    request can send the whole page's values. Empty amount: the row is not filled (submitting all skips it). The
    page writes its inputs itself (`progress/_month_row.html`).
    """

    amount = forms.DecimalField(
        label=_("Completed investment (万元)"),
        min_value=0,
        max_digits=14,
        decimal_places=2,
        required=False,
    )
    physical_progress = forms.CharField(label=_("Physical progress (形象进度)"), max_length=2000, required=False)

    @staticmethod
    def prefix_of(project_id: int) -> str:
        return f"p{project_id}"

    @property
    def filled(self) -> bool:
        """Whether the person gave the row anything: an amount or 形象进度 (bound forms only)."""
        return any((self.data.get(self.add_prefix(name)) or "").strip() for name in self.fields)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("amount") is None and not self.has_error("amount") and self.filled:
            self.add_error("amount", _("Give the month's completed investment."))
        return cleaned


class ReviewForm(forms.Form):
    """Approve, or return with a reason, the reports ticked in the queue."""

    versions = forms.ModelMultipleChoiceField(
        label=_("Reports"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Tick at least one report.")},
    )
    action = forms.ChoiceField(choices=[("approve", _("Approve")), ("return", _("Return"))])
    reason = forms.CharField(label=_("Reason for return"), max_length=500, required=False)

    def __init__(self, *args, queue, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["versions"].queryset = queue

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("action") == "return" and not (cleaned.get("reason") or "").strip():
            self.add_error("reason", _("Say why the report is returned."))
        return cleaned


STATE_LABELS = dict(ReportState.choices) | {"missing": _("Not reported")}


class PlanForm(forms.Form):
    """年度计划投资: the year's amount, and optionally its twelve months (else spread evenly)."""

    amount = forms.DecimalField(
        label=_("Annual planned investment (万元)"), min_value=0, max_digits=14, decimal_places=2
    )
    months = forms.CharField(
        label=_("Monthly plan (万元, twelve amounts separated by commas; empty: spread evenly)"),
        required=False,
        max_length=400,
    )

    def clean_months(self):
        text = (self.cleaned_data.get("months") or "").replace("，", ",").strip()
        if not text:
            return None
        field = forms.DecimalField(min_value=0, max_digits=14, decimal_places=2)
        try:
            return [field.clean(part.strip()) for part in text.split(",")]
        except forms.ValidationError:
            raise forms.ValidationError(_("Give twelve amounts of 万元 separated by commas.")) from None

"""Forms of the approval pages: they check and convert input; the services write."""

from django import forms
from django.utils.translation import gettext_lazy as _

from zoneledger.core.codes import validate_project_code
from zoneledger.core.dates import DateField

from .choices import ApprovalState, Matter


class ApprovalForm(forms.Form):
    """One approval item, as the platform's workbook gives it."""

    project_code = forms.CharField(label=_("Project code"), max_length=24, validators=[validate_project_code])
    matter = forms.ChoiceField(label=_("Matter"), choices=Matter.choices)
    authority = forms.CharField(label=_("Authority"), max_length=100, required=False)
    state = forms.ChoiceField(label=_("State"), choices=ApprovalState.choices)
    document_number = forms.CharField(label=_("Document number"), max_length=100, required=False)
    decided_on = DateField(label=_("Date decided"), required=False)
    papers_due_on = DateField(label=_("Papers due (承诺期限)"), required=False)

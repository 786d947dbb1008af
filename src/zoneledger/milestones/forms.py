"""Forms of the milestone pages. They only check and convert input; the services do every write."""

from django import forms
from django.utils.translation import gettext_lazy as _

from zoneledger.core.dates import DateField
from zoneledger.projects.choices import Stage

from .choices import Light, MilestoneKind
from .models import PlanTemplate


class PlanForm(forms.Form):
    """Schedule a template's steps backwards from a target date (倒排工期)."""

    template = forms.ModelChoiceField(label=_("Plan template"), queryset=PlanTemplate.objects.none())
    target = DateField(label=_("Target date (the last step)"))
    allow_late = forms.BooleanField(
        label=_("Plan even if the first steps are already late"), required=False, initial=False
    )

    def __init__(self, *args, templates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["template"].queryset = templates
        self.fields["template"].empty_label = None
        # Read the templates once: the select's options and its `required` check would each query again.
        self.fields["template"].choices = [(template.pk, template.name) for template in templates]


class MilestoneForm(forms.Form):
    """A milestone added by hand, or its facts changed (its date moves through MoveForm, with a reason)."""

    title = forms.CharField(label=_("Title"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=MilestoneKind.choices, initial=MilestoneKind.CONSTRUCTION)
    stage = forms.ChoiceField(
        label=_("Stage to reach (for a stage target)"), choices=[("", "—"), *Stage.choices], required=False
    )
    planned_on = DateField(label=_("Planned date"))
    owner = forms.CharField(label=_("Owner"), max_length=100, required=False)
    note = forms.CharField(label=_("Note"), max_length=500, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["planned_on"]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("kind") == MilestoneKind.STAGE_TARGET and not cleaned.get("stage"):
            self.add_error("stage", _("A stage target names the stage to reach."))
        return cleaned


class MoveForm(forms.Form):
    planned_on = DateField(label=_("New planned date"))
    reason = forms.CharField(label=_("Reason"), max_length=500)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class DoneForm(forms.Form):
    done_on = DateField(label=_("Done on"))
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class DropForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=500)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class MilestoneFilterForm(forms.Form):
    """The milestone list's filters: the as-of date, a light, a kind."""

    as_of = DateField(label=_("As of"), required=False)
    light = forms.ChoiceField(label=_("Light"), choices=[("", _("All")), *Light.choices], required=False)
    kind = forms.ChoiceField(label=_("Kind"), choices=[("", _("All")), *MilestoneKind.choices], required=False)


class TemplateForm(forms.Form):
    """A plan template's name and description; its steps come in `StepFormSet`, in order."""

    name = forms.CharField(label=_("Template name"), max_length=100)
    description = forms.CharField(label=_("What the template is for"), max_length=500, required=False)


class StepForm(forms.Form):
    """One step of a template: it takes `working_days` and, unless it runs beside the previous one, starts when the
    previous step is done."""

    title = forms.CharField(label=_("Step"), max_length=200)
    working_days = forms.IntegerField(label=_("Working days"), min_value=0, max_value=1000)
    after_previous = forms.BooleanField(label=_("Waits for the previous step"), required=False, initial=True)
    kind = forms.ChoiceField(label=_("Kind"), choices=MilestoneKind.choices, initial=MilestoneKind.APPROVAL)
    stage = forms.ChoiceField(
        label=_("Stage to reach (for a stage target)"), choices=[("", "—"), *Stage.choices], required=False
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("kind") == MilestoneKind.STAGE_TARGET and not cleaned.get("stage"):
            self.add_error("stage", _("A stage target names the stage to reach."))
        return cleaned


StepFormSet = forms.formset_factory(StepForm, extra=2, can_delete=True, min_num=1, validate_min=True)

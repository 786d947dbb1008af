"""The milestone pages: the list per scope (with 节点逾期 as its red filter) and its export, and the writes the
project page's milestone panel posts (plan from a template, add, edit, move, done, drop).

The panel itself is rendered into the project page by the `milestone_panel` template tag
(templatetags/milestone_panels.py); a write that succeeds goes back to the project page, one that fails shows its
form again, with the errors, on a page of its own.
"""

import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from zoneledger.accounts.scope import user_scope, zone_is_writable
from zoneledger.audit import services as audit
from zoneledger.core.calendar import CalendarYearUnknown
from zoneledger.core.errors import NotAllowed, NotFound
from zoneledger.core.http import partial_template, xlsx_response
from zoneledger.projects import selectors as project_selectors
from zoneledger.workdays.permissions import kept_province

from . import selectors, services
from .exports import write_milestones_xlsx
from .forms import DoneForm, DropForm, MilestoneFilterForm, MilestoneForm, MoveForm, PlanForm, StepFormSet, TemplateForm
from .schedule import Infeasible, Step

PAGE_SIZE = 50


def _project(request, pk):
    return project_selectors.project_get(user=request.user, pk=pk)


def _writable_project(request, pk):
    project = _project(request, pk)
    if not zone_is_writable(request.user, project.zone):
        raise PermissionDenied(_("You may not change projects of %(zone)s.") % {"zone": project.zone})
    return project


def _back(project):
    return redirect(reverse("projects:project_detail", kwargs={"pk": project.pk}) + "#milestones")


def _add_errors(form, error):
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for name, errors in error.error_dict.items():
        form.add_error(name if name in form.fields else NON_FIELD_ERRORS, errors)


def _again(request, project, form, *, title, action, milestone=None):
    """The form that failed, with its errors, on a page of its own (nothing was written)."""
    context = {"project": project, "form": form, "title": title, "action": action, "milestone": milestone}
    return render(request, "milestones/milestone_action.html", context)


@login_required
@require_POST
def milestones_plan(request, pk):
    """Schedule a template's steps backwards from a target date into the project's milestones."""
    project = _writable_project(request, pk)
    form = PlanForm(
        request.POST, templates=selectors.template_list(user=request.user, province=project.zone.province_id)
    )
    if form.is_valid():
        try:
            planned = services.milestones_plan(
                actor=request.user,
                project=project,
                template=form.cleaned_data["template"],
                target=form.cleaned_data["target"],
                allow_late=form.cleaned_data["allow_late"],
            )
        except (Infeasible, CalendarYearUnknown) as refused:
            form.add_error(None, refused.message)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(
                request,
                _("Planned %(count)s milestones from “%(template)s”, the first due on %(first)s.")
                % {
                    "count": len(planned),
                    "template": form.cleaned_data["template"].name,
                    "first": planned[0].planned_on.isoformat(),
                },
            )
            return _back(project)
    return _again(request, project, form, title=_("Plan backwards from a target"), action=request.path)


@login_required
@require_POST
def milestone_create(request, pk):
    """Add a milestone to the project by hand."""
    project = _writable_project(request, pk)
    form = MilestoneForm(request.POST)
    if form.is_valid():
        data = {name: value for name, value in form.cleaned_data.items() if name != "version"}
        try:
            milestone = services.milestone_create(actor=request.user, project=project, **data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Milestone “%(title)s” added.") % {"title": milestone.title})
            return _back(project)
    return _again(request, project, form, title=_("Add a milestone"), action=request.path)


@login_required
def milestone_edit(request, pk, milestone_pk):
    """Change a milestone's title, kind, owner and note."""
    project = _writable_project(request, pk)
    milestone = selectors.milestone_get(user=request.user, project=project, pk=milestone_pk)
    initial = {name: getattr(milestone, name) for name in ("title", "kind", "stage", "owner", "note", "version")}
    form = MilestoneForm(request.POST or None, initial=initial, editing=True)
    if request.method == "POST" and form.is_valid():
        data = {name: value for name, value in form.cleaned_data.items() if name != "version"}
        try:
            services.milestone_update(
                actor=request.user, milestone=milestone, expected_version=form.cleaned_data["version"], **data
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Milestone “%(title)s” saved.") % {"title": form.cleaned_data["title"]})
            return _back(project)
    return _again(request, project, form, title=_("Change a milestone"), action=request.path, milestone=milestone)


def _act(request, pk, milestone_pk, form_class, verb, title, done_message):
    project = _writable_project(request, pk)
    milestone = selectors.milestone_get(user=request.user, project=project, pk=milestone_pk)
    form = form_class(request.POST)
    if form.is_valid():
        data = dict(form.cleaned_data)
        try:
            verb(actor=request.user, milestone=milestone, expected_version=data.pop("version"), **data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, done_message % {"title": milestone.title})
            return _back(project)
    return _again(request, project, form, title=title, action=request.path, milestone=milestone)


@login_required
@require_POST
def milestone_move(request, pk, milestone_pk):
    """Move a milestone's planned date, with the reason (kept in its history)."""
    return _act(
        request, pk, milestone_pk, MoveForm, services.milestone_move, _("Move a milestone"), _("Moved “%(title)s”.")
    )


@login_required
@require_POST
def milestone_done(request, pk, milestone_pk):
    """Record the day a milestone was done."""
    return _act(
        request,
        pk,
        milestone_pk,
        DoneForm,
        services.milestone_complete,
        _("Record a milestone done"),
        _("“%(title)s” done."),
    )


@login_required
@require_POST
def milestone_drop(request, pk, milestone_pk):
    """Drop a milestone that no longer applies, with the reason."""
    return _act(
        request, pk, milestone_pk, DropForm, services.milestone_drop, _("Drop a milestone"), _("Dropped “%(title)s”.")
    )


def _listing(request):
    if not request.user.reads_business_data:
        raise NotFound
    form = MilestoneFilterForm(request.GET or None)
    cleaned = form.cleaned_data if form.is_valid() else {}
    as_of = cleaned.get("as_of") or timezone.localdate()
    scope = user_scope(request.user)
    rows = selectors.milestone_list(
        user=request.user,
        scope=scope,
        as_of=as_of,
        light=cleaned.get("light") or None,
        kind=cleaned.get("kind") or None,
    )
    return form, scope, as_of, rows


@login_required
@require_GET
def milestone_list(request):
    """The milestones of the user's scope with their lights, worst first; `?light=red` is 节点逾期."""
    form, scope, as_of, rows = _listing(request)
    if not form.is_bound:
        form.initial["as_of"] = as_of
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"filter_form": form, "page": page, "scope": scope, "as_of": as_of, "query": request.GET.urlencode()}
    return render(request, partial_template(request, "milestones/milestone_list.html", "table"), context)


@login_required
@require_GET
def milestone_export(request):
    """The milestone list as filtered on the page, as .xlsx printing on A4."""
    _form, scope, as_of, rows = _listing(request)
    buffer = io.BytesIO()
    count = write_milestones_xlsx(rows, buffer, scope_name=scope.name, as_of=as_of)
    audit.record_export(actor=request.user, what="milestones", count=count, filters=request.GET.dict())
    return xlsx_response(buffer, _("milestones-%(date)s.xlsx") % {"date": as_of.isoformat()})


@login_required
@require_GET
def template_list(request):
    """The plan templates the user's province plans with: its own (which its business administrator keeps) and
    the national ones (read only)."""
    if not request.user.reads_business_data:
        raise NotFound
    context = {"templates": selectors.template_list(user=request.user), "kept": kept_province(request.user)}
    return render(request, "milestones/template_list.html", context)


@login_required
def template_edit(request, pk=None):
    """Create a template of the province (no `pk`) or change one of its own: name, description, steps in order."""
    if kept_province(request.user) is None:
        raise NotAllowed
    template = selectors.template_kept(user=request.user, pk=pk) if pk is not None else None
    initial = {"name": template.name, "description": template.description} if template else None
    form = TemplateForm(request.POST or None, initial=initial)
    steps = StepFormSet(request.POST or None, initial=template.steps if template else None, prefix="steps")
    if request.method == "POST" and form.is_valid() and steps.is_valid():
        kept = [row for row in steps.cleaned_data if row and not row.get("DELETE")]
        try:
            saved = services.template_save(
                actor=request.user,
                template=template,
                name=form.cleaned_data["name"],
                description=form.cleaned_data["description"],
                steps=[Step.from_json(row) for row in kept],
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Plan template “%(name)s” saved.") % {"name": saved.name})
            return redirect("milestones:template_list")
    context = {"form": form, "steps": steps, "template": template}
    return render(request, "milestones/template_form.html", context)

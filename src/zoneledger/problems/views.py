"""The problem pages: the queue of a scope, a problem with its clock, history and actions, raising a problem from a
project, the queue's export, and leaders in charge with task forces.

Thin views: they read through `selectors` and write through `services`. A problem out of scope is a 404; a step
the user may not take a 403 (before their input is read); bad input is shown on the form, and nothing is written.
"""

import io
from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from zoneledger.accounts.scope import org_province, user_scope, writable_zone_filter, zone_is_writable
from zoneledger.audit import services as audit
from zoneledger.core.attachments import attachment_response
from zoneledger.core.errors import Conflict, DomainError, NotFound
from zoneledger.core.http import partial_template, xlsx_response
from zoneledger.projects import selectors as project_selectors
from zoneledger.projects.choices import ProgressStatus
from zoneledger.zones.models import Zone

from . import selectors, services
from .choices import State, Step
from .exports import write_problems_xlsx
from .forms import ActForm, AsOfForm, AttachForm, LeaderForm, RaiseForm, TaskForceForm, ZoneRaiseForm
from .workflow import steps_from

PAGE_SIZE = 50


def _as_of(request) -> date:
    """The day the page is read for (?as_of=), today when absent or not a date."""
    form = AsOfForm(request.GET or None)
    if form.is_bound and form.is_valid() and form.cleaned_data.get("as_of"):
        return form.cleaned_data["as_of"]
    return timezone.localdate()


def _queue(request):
    if not request.user.reads_business_data:
        raise NotFound
    # The page and its export read the columns they show (`selectors.queue_rows`, `queue_list`), not objects.
    return selectors.problem_filter(user=request.user, data=request.GET, as_of=_as_of(request), listed=True)


@login_required
@require_GET
def problem_list(request):
    """The problem queue of the user's scope: filtered (the escalation tier gives each level its queue), coloured
    with words, paged; the filter lives in the URL."""
    queue = _queue(request)
    as_of = _as_of(request)
    page = Paginator(selectors.queue_rows(queue.qs), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "filter": queue,
        "page": page,
        "as_of": as_of,
        "scope": user_scope(request.user),
        "export_query": request.GET.urlencode(),
    }
    return render(request, partial_template(request, "problems/problem_list.html", "queue"), context)


@login_required
@require_GET
def problem_export(request):
    """The queue as filtered on the page, as .xlsx printing on A4."""
    queue = _queue(request)
    rows = selectors.queue_list(queue.qs)
    buffer = io.BytesIO()
    as_of = _as_of(request)
    write_problems_xlsx(rows, buffer, scope_name=user_scope(request.user).name, as_of=as_of)
    audit.record_export(actor=request.user, what="problems", count=len(rows), filters=request.GET.dict())
    return xlsx_response(buffer, _("problems-%(date)s.xlsx") % {"date": as_of.isoformat()})


def _actions(user, problem):
    """The steps the user may take on the problem now."""
    return [step for step in steps_from(problem.state) if services.may_take(user, problem, step)]


def _render_detail(request, problem, *, act_form=None, attach_form=None, status=200):
    as_of = _as_of(request)
    context = {
        "attachments": problem.attachments.all(),
        "can_attach": problem.state != State.CLOSED and zone_is_writable(request.user, problem.zone),
        "attach_form": attach_form or AttachForm(),
        "problem": problem,
        "as_of": as_of,
        "deadlines": selectors.problem_deadlines(user=request.user, problem=problem, as_of=as_of),
        "steps": selectors.problem_steps(user=request.user, problem=problem),
        "actions": [(step, Step(step).label) for step in _actions(request.user, problem)],
        "act_form": act_form or ActForm(),
    }
    return render(request, "problems/problem_detail.html", context, status=status)


@login_required
@require_GET
def problem_detail(request, pk):
    """A problem: its facts, its deadlines with their status, its history and the steps the user may take."""
    return _render_detail(request, selectors.problem_get(user=request.user, pk=pk, as_of=_as_of(request)))


def _add_service_errors(form, error):
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for name, errors in error.error_dict.items():
        form.add_error(name if name in form.fields else NON_FIELD_ERRORS, errors)


@login_required
@require_POST
def problem_act(request, pk):
    """Take a step on the problem (plan, reply, solve, close, reopen) with a note."""
    problem = selectors.problem_get(user=request.user, pk=pk)
    if not zone_is_writable(request.user, problem.zone):
        raise PermissionDenied(_("You may not act on problems of %(zone)s.") % {"zone": problem.zone})
    form = ActForm(request.POST)
    if form.is_valid():
        try:
            services.problem_act(actor=request.user, problem=problem, **form.cleaned_data)
        except ValidationError as error:
            _add_service_errors(form, error)
        else:
            messages.success(request, _("“%(step)s”: saved.") % {"step": Step(form.cleaned_data["step"]).label})
            return redirect("problems:problem_detail", pk=problem.pk)
    return _render_detail(request, problem, act_form=form)


@login_required
@require_POST
def attachments_add(request, pk):
    """Add photos to the problem; refused ones are shown on its page and nothing is stored."""
    problem = selectors.problem_get(user=request.user, pk=pk)
    if not zone_is_writable(request.user, problem.zone):
        raise PermissionDenied(_("You may not act on problems of %(zone)s.") % {"zone": problem.zone})
    form = AttachForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.problem_attachments_add(actor=request.user, problem=problem, photos=form.cleaned_data["photos"])
        except ValidationError as error:
            _add_service_errors(form, error)
        except Conflict as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Photos added."))
            return redirect("problems:problem_detail", pk=problem.pk)
    return _render_detail(request, problem, attach_form=form)


@login_required
@require_GET
def attachment(request, pk):
    """A problem's photo (`?size=thumb`: its thumbnail), to whoever may see the problem; 404 to anyone else."""
    photo = selectors.problem_attachment_get(user=request.user, pk=pk)
    return attachment_response(photo, thumbnail=request.GET.get("size") == "thumb")


@login_required
@require_POST
def attachment_remove(request, pk):
    """Remove a photo from a problem not yet closed."""
    photo = selectors.problem_attachment_get(user=request.user, pk=pk)
    if not zone_is_writable(request.user, photo.problem.zone):
        raise PermissionDenied(_("You may not act on problems of %(zone)s.") % {"zone": photo.problem.zone})
    try:
        services.problem_attachment_remove(actor=request.user, attachment=photo)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Photo removed."))
    return redirect("problems:problem_detail", pk=photo.problem_id)


@login_required
@require_GET
def project_problems(request, pk):
    """A project's problems, as the project page shows them (loaded into it by htmx) and on their own."""
    project = project_selectors.project_get(user=request.user, pk=pk)
    writable = zone_is_writable(request.user, project.zone)
    context = {
        "project": project,
        "problems": selectors.project_problems(user=request.user, project=project),
        "writable": writable,
        "leader": selectors.project_leader(user=request.user, project=project),
        "leader_form": LeaderForm(project=project) if writable else None,
    }
    return render(request, partial_template(request, "problems/project_problems.html", "panel"), context)


@login_required
def problem_raise(request, pk):
    """Raise a problem of the project: its clock starts now."""
    project = project_selectors.project_get(user=request.user, pk=pk)
    if not zone_is_writable(request.user, project.zone):
        raise PermissionDenied(_("You may not raise problems in %(zone)s.") % {"zone": project.zone})
    form = RaiseForm(request.POST or None, zone=project.zone, categories=services.categories(project.zone.province_id))
    if request.method == "POST" and form.is_valid():
        try:
            problem = services.problem_raise(actor=request.user, project=project, **form.cleaned_data)
        except ValidationError as error:
            _add_service_errors(form, error)
        else:
            messages.success(request, _("Problem “%(title)s” raised.") % {"title": problem.title})
            return redirect("problems:problem_detail", pk=problem.pk)
    return render(request, "problems/problem_raise.html", {"form": form, "project": project})


@login_required
@require_GET
def leaders(request):
    """Leaders in charge (包联领导) of the projects in scope, and the task forces (专班) of the province."""
    if not request.user.reads_business_data:
        raise NotFound
    as_of = _as_of(request)
    month = as_of.replace(day=1)
    my_projects = list(selectors.my_projects(user=request.user, month=month))
    for project in my_projects:
        project.report_label = (
            ProgressStatus(project.report_status).label if project.report_status else _("Not reported")
        )
    context = {
        "my_projects": my_projects,
        "report_month": month,
        "my_problems": selectors.my_problems(user=request.user, as_of=as_of),
        "leaders": selectors.leaders(user=request.user),
        "task_forces": selectors.task_forces(user=request.user),
        "may_add_task_force": services.may_keep_task_forces(request.user, services.actor_province(request.user)),
    }
    return render(request, "problems/leaders.html", context)


@login_required
@require_POST
def leader_set(request, pk):
    """Make a user the project's leader in charge (包联领导), or remove the leader (an empty choice)."""
    project = project_selectors.project_get(user=request.user, pk=pk)
    if not zone_is_writable(request.user, project.zone):
        raise PermissionDenied(_("You may not change projects of %(zone)s.") % {"zone": project.zone})
    form = LeaderForm(request.POST, project=project)
    if form.is_valid():
        try:
            services.leader_set(actor=request.user, project=project, user=form.cleaned_data["user"])
        except ValidationError as error:
            _add_service_errors(form, error)
        else:
            messages.success(request, _("Leader in charge saved."))
            return redirect("projects:project_detail", pk=project.pk)
    context = {
        "project": project,
        "problems": selectors.project_problems(user=request.user, project=project),
        "writable": True,
        "leader": selectors.project_leader(user=request.user, project=project),
        "leader_form": form,
    }
    return render(request, "problems/project_problems.html", context)


@login_required
def zone_problem_raise(request):
    """Raise a problem of a whole zone (a matter of no one project) in a zone the user writes in."""
    if not request.user.can_edit:
        raise PermissionDenied
    zones = Zone.objects.filter(writable_zone_filter(request.user, prefix="")).order_by("city_id", "name")
    province = (org_province(request.user.org) if request.user.org_id else None) or ""
    form = ZoneRaiseForm(request.POST or None, zones=zones, categories=services.categories(province))
    if request.method == "POST" and form.is_valid():
        facts = dict(form.cleaned_data)
        try:
            problem = services.problem_raise(actor=request.user, **facts)
        except ValidationError as error:
            _add_service_errors(form, error)
        else:
            messages.success(request, _("Problem “%(title)s” raised.") % {"title": problem.title})
            return redirect("problems:problem_detail", pk=problem.pk)
    return render(request, "problems/problem_raise.html", {"form": form, "project": None})


@login_required
@require_GET
def task_force_detail(request, pk):
    """A task force (专班): its lead and members, its projects and their open problems, its weekly dispatch pack."""
    if not request.user.reads_business_data:
        raise NotFound
    task_force = selectors.task_force_get(user=request.user, pk=pk)
    as_of = _as_of(request)
    context = {
        "task_force": task_force,
        "projects": selectors.task_force_projects(user=request.user, task_force=task_force),
        "problems": selectors.task_force_problems(user=request.user, task_force=task_force, as_of=as_of),
        "as_of": as_of,
        "may_edit": services.may_keep_task_forces(request.user, task_force.province_id),
    }
    return render(request, "problems/task_force_detail.html", context)


def _task_force_form(request, task_force=None):
    user = request.user
    province = task_force.province_id if task_force else services.actor_province(user)
    if not services.may_keep_task_forces(user, province):
        raise PermissionDenied(_("Only a reviewer of a city or the province keeps task forces."))
    initial = {}
    if task_force is not None:
        mine = selectors.task_force_projects(user=user, task_force=task_force).order_by("zone__name", "name")
        initial = {
            "name": task_force.name,
            "lead": task_force.lead,
            "members": list(task_force.members.all()),
            "projects": "\n".join(f"{project.code or project.pk}  {project.name}" for project in mine),
            "version": task_force.version,
        }
    return TaskForceForm(
        request.POST or None,
        initial=initial,
        people=services.task_force_people(province),
        projects=project_selectors.project_list(user=user),
    )


@login_required
def task_force_edit(request, pk=None):
    """Add a task force, or change one's name, lead, members and projects (reviewers of a city or the province)."""
    task_force = None
    if pk is not None:
        if not request.user.reads_business_data:
            raise NotFound
        task_force = selectors.task_force_get(user=request.user, pk=pk)
    form = _task_force_form(request, task_force)
    status = 200
    if request.method == "POST" and form.is_valid():
        facts = form.cleaned_data
        try:
            saved = services.task_force_save(
                actor=request.user,
                name=facts["name"],
                lead=facts["lead"],
                members=list(facts["members"]),
                projects=facts["projects"],
                task_force=task_force,
                expected_version=facts["version"] if task_force is not None else None,
            )
        except ValidationError as error:
            _add_service_errors(form, error)
        except Conflict as conflict:
            form.add_error(None, str(conflict))
            status = 409
        else:
            messages.success(request, _("Task force “%(name)s” saved.") % {"name": saved.name})
            return redirect("problems:task_force_detail", pk=saved.pk)
    return render(request, "problems/task_force_edit.html", {"form": form, "task_force": task_force}, status=status)

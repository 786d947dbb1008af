"""The ledger and the project pages: thin views that read through `visible_to` and write through the services.

Every page renders in full, or only its htmx target when htmx asks for it (`zoneledger.core.http.is_partial`).
A write answers a redirect to the project page when it succeeds; htmx follows it and picks the part it shows.
"""

import functools

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from zoneledger.accounts.scope import zone_is_writable
from zoneledger.audit.stamp import cached, change_stamp
from zoneledger.core.http import is_partial
from zoneledger.core.tables import Column, sort_headings

from . import selectors, services
from .choices import LIFECYCLE, Stage
from .forms import ProjectForm, StageForm, VoidForm
from .models import Project

PAGE_SIZE = 50


def _ledger(request):
    return selectors.project_filter(user=request.user, data=request.GET)


# The ledger's sortable columns; ProjectFilter's `sort` orders by them.
SORT_COLUMNS = [
    Column("code", gettext_lazy("Project code")),
    Column("name", gettext_lazy("Project")),
    Column("zone", gettext_lazy("Zone")),
    Column("enterprise", gettext_lazy("Enterprise")),
    Column("stage", gettext_lazy("Stage")),
    Column("investment", gettext_lazy("Total investment (万元)"), numeric=True),
    Column("leader", gettext_lazy("Leader in charge")),
]


@login_required
@require_GET
def project_list(request):
    """The ledger: filtered, sorted and paged; the filter lives in the URL so it can be bookmarked.

    The results (the count, the rows, the pages) and the filter's fields (their choices are the user's zones,
    cities, rounds and chains) are kept under the ledger's change stamp (`audit.stamp`): a repeat between two writes
    renders only the page around them. Both depend on nothing but the user's scope (their org, and whether they read
    business data at all), the query string and the language. Each is safe HTML, and pickled as such.
    """
    # The filter is built only when a part is not cached: building it reads the user's zones, rounds and chains.
    ledger = functools.cache(functools.partial(_ledger, request))
    user = request.user
    parts = selectors.ledger_answer_key(user=user, asked=(tuple(sorted(request.GET.lists())),))
    stamp = change_stamp()
    results = cached("ledger-page", parts, lambda: _ledger_results(request, ledger()), stamp=stamp)
    if is_partial(request):
        return HttpResponse(results)
    context = {
        "filter_fields": cached(
            "ledger-filters",
            parts,
            lambda: render_to_string("projects/project_list.html#filter_fields", {"filter": ledger()}, request),
            stamp=stamp,
        ),
        "results": results,
        "can_create": user.can_edit,
    }
    return render(request, "projects/project_list.html", context)


def _ledger_results(request, ledger) -> str:
    """The ledger's results part (the template's `ledger` partial) for the filter `ledger`, as HTML."""
    page = Paginator(selectors.project_page_rows(ledger.qs), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "columns": sort_headings(request.GET, SORT_COLUMNS, current=request.GET.get("sort", "")),
    }
    return render_to_string("projects/project_list.html#ledger", context, request)


def _project_for(request, pk):
    """The project if the user may see it; NotFound (a 404) otherwise, like a project that does not exist."""
    return selectors.project_get(user=request.user, pk=pk)


def _require_writable(request, project):
    if not zone_is_writable(request.user, project.zone):
        raise PermissionDenied(_("You may not change projects of %(zone)s.") % {"zone": project.zone})


def _add_service_errors(form, error):
    """Put a service's ValidationError on the form's fields, or above the form for fields it does not have."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for name, errors in error.error_dict.items():
        form.add_error(name if name in form.fields else NON_FIELD_ERRORS, errors)


@login_required
@require_GET
def project_detail(request, pk):
    """A project's facts, stage timeline, monthly progress and change history."""
    return _render_detail(request, _project_for(request, pk))


def _render_detail(request, project, *, stage_form=None, void_form=None, void_event_pk=None):
    writable = zone_is_writable(request.user, project.zone)
    context = {
        "project": project,
        "events": selectors.project_events(user=request.user, project=project),
        "progress": project.progress.order_by("-month"),
        "history": selectors.project_history(user=request.user, project=project),
        "writable": writable,
        "stage_form": stage_form
        or (StageForm(project=project, initial={"stage": _next_stage(project.stage)}) if writable else None),
        "void_form": void_form,
        "void_event_pk": void_event_pk,
    }
    return render(request, "projects/project_detail.html", context)


def _next_stage(current):
    """The stage a project usually reaches next, offered first in the form (signing, for a project without any)."""
    if current == Stage.TERMINATED:
        return None
    position = LIFECYCLE.index(current) + 1 if current in LIFECYCLE else 1
    return LIFECYCLE[position] if position < len(LIFECYCLE) else None


@login_required
@require_POST
def stage_record(request, pk):
    """Record a stage of the project (date, round, note)."""
    project = _project_for(request, pk)
    _require_writable(request, project)
    form = StageForm(request.POST, project=project)
    if form.is_valid():
        try:
            event = services.record_stage(actor=request.user, project=project, **form.cleaned_data)
        except ValidationError as error:
            _add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("Recorded “%(stage)s” on %(date)s.")
                % {"stage": event.get_stage_display(), "date": f"{event.happened_on:%Y-%m-%d}"},
            )
            return redirect("projects:project_detail", pk=project.pk)
    return _render_detail(request, project, stage_form=form)


@login_required
@require_POST
def event_void(request, pk, event_pk):
    """Void a stage event of the project, with the reason."""
    project = _project_for(request, pk)
    event = selectors.project_event_get(user=request.user, project=project, pk=event_pk)
    _require_writable(request, project)
    form = VoidForm(request.POST)
    if form.is_valid():
        try:
            services.void_event(actor=request.user, event=event, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            _add_service_errors(form, error)
        else:
            messages.success(request, _("Voided “%(stage)s”.") % {"stage": event.get_stage_display()})
            return redirect("projects:project_detail", pk=project.pk)
    return _render_detail(request, project, void_form=form, void_event_pk=event.pk)


@login_required
def project_create(request):
    """Add a project to a zone the user may write."""
    if not request.user.can_edit:
        raise PermissionDenied
    # `?code=` fills the national code in: the approvals page offers it for an item waiting for its project.
    form = ProjectForm(request.POST or None, user=request.user, initial={"code": request.GET.get("code", "")[:24]})
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                project = services.project_create(
                    actor=request.user, enterprise=form.enterprise(request.user), **form.facts()
                )
        except ValidationError as error:
            _add_service_errors(form, error)
        else:
            messages.success(request, _("Project “%(name)s” added.") % {"name": project.name})
            return redirect("projects:project_detail", pk=project.pk)
    return render(request, "projects/project_form.html", {"form": form})


@login_required
def project_edit(request, pk):
    """Change a project's facts. An edit that lost a race keeps the input and shows where it differs."""
    project = _project_for(request, pk)
    _require_writable(request, project)
    form = ProjectForm(request.POST or None, instance=project, user=request.user)
    conflict = None
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                services.project_update(
                    actor=request.user,
                    project=project,
                    expected_version=form.cleaned_data["version"],
                    enterprise=form.enterprise(request.user),
                    **form.facts(),
                )
        except services.StaleEdit as stale:
            conflict = _differences(form, stale.current)
            # Saving again is now a deliberate choice over the current version, with the user's input kept.
            form.data = form.data.copy()
            form.data["version"] = stale.current.version
        except ValidationError as error:
            _add_service_errors(form, error)
        else:
            messages.success(request, _("Project “%(name)s” saved.") % {"name": form.cleaned_data["name"]})
            return redirect("projects:project_detail", pk=project.pk)
    return render(request, "projects/project_form.html", {"form": form, "project": project, "conflict": conflict})


def _shown(project, name):
    field = Project._meta.get_field(name)
    if field.choices:
        return getattr(project, f"get_{name}_display")()
    value = getattr(project, name)
    return "" if value is None else str(value)


def _differences(form, current):
    """(label, saved now, your input) for each fact where the saved project differs from the user's input."""
    rows = [
        (form.fields[name].label, _shown(current, name), _shown(form.instance, name))
        for name in form.facts()
        if _shown(current, name) != _shown(form.instance, name)
    ]
    saved_enterprise = current.enterprise_name
    if saved_enterprise != form.cleaned_data["enterprise_name"]:
        rows.append((form.fields["enterprise_name"].label, saved_enterprise, form.cleaned_data["enterprise_name"]))
    return rows

"""The API's `milestones` router: the milestones of the user's scope with their lights, the plan templates,
planning a project backwards from a target, and recording a milestone done. Thin, like the pages' views: reads
through `selectors`, writes through `services`, `Idempotency-Key` honoured on writes."""

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router
from ninja.responses import Status

from zoneledger.accounts.scope import user_scope, zone_is_writable
from zoneledger.core.api import READ_PROBLEMS, WRITE_PROBLEMS, Page, PageQuery, idempotent, paginate
from zoneledger.core.errors import NotAllowed, NotFound
from zoneledger.projects import selectors as project_selectors

from . import selectors, services
from .choices import Light, MilestoneKind
from .forms import DoneForm
from .schemas import CompleteIn, MilestoneFilters, MilestoneOut, PlanIn, PlanOut, TemplateOut

router = Router(tags=["milestones"])


def _require_writable(user, project):
    if not zone_is_writable(user, project.zone):
        raise NotAllowed(_("You may not change projects of %(zone)s.") % {"zone": project.zone})


@router.get("/", response={200: Page[MilestoneOut], **READ_PROBLEMS}, summary="Milestones")
def milestone_list(request, filters: Query[MilestoneFilters], page: Query[PageQuery]):
    """The live milestones of the user's scope with their lights as of `as_of` (today), worst first."""
    user = request.auth
    if not user.reads_business_data:
        raise NotFound
    errors = {}
    if filters.light and filters.light not in Light.values:
        errors["light"] = _("Use one of %(values)s.") % {"values": ", ".join(Light.values)}
    if filters.kind and filters.kind not in MilestoneKind.values:
        errors["kind"] = _("Use one of %(values)s.") % {"values": ", ".join(MilestoneKind.values)}
    if errors:
        raise ValidationError(errors)
    project = project_selectors.project_get(user=user, pk=filters.project) if filters.project else None
    rows = selectors.milestone_list(
        user=user,
        scope=user_scope(user),
        as_of=filters.as_of,
        light=filters.light,
        kind=filters.kind,
        project=project,
    )
    return paginate(rows, page)


@router.get("/templates", response={200: list[TemplateOut], **READ_PROBLEMS}, summary="Plan templates")
def template_list(request):
    """The plan templates the user's province plans with."""
    if not request.auth.reads_business_data:
        raise NotFound
    return selectors.template_list(user=request.auth)


def _with_lights(user, project, pks):
    return list(selectors.project_milestones(user=user, project=project).filter(pk__in=pks))


@router.post("/plan/{int:pk}", response={201: PlanOut, **WRITE_PROBLEMS}, summary="Plan a project backwards")
@idempotent(PlanOut)
def milestones_plan(request, pk: int, payload: PlanIn):
    """Add project `pk`'s milestones from a template, worked back from the target (倒排工期). A target that would
    have the plan begin before today is 400 with the first step's date, unless `allow_late`."""
    user = request.auth
    project = project_selectors.project_get(user=user, pk=pk)
    _require_writable(user, project)
    try:
        template = selectors.template_get(user=user, name=payload.template, province=project.zone.province_id)
    except NotFound:
        raise ValidationError({"template": _("No plan template “%(name)s”.") % {"name": payload.template}}) from None
    planned = services.milestones_plan(
        actor=user, project=project, template=template, target=payload.target, allow_late=payload.allow_late
    )
    return Status(201, {"milestones": _with_lights(user, project, [m.pk for m in planned])})


@router.post("/{int:pk}/complete", response={200: MilestoneOut, **WRITE_PROBLEMS}, summary="Record done")
@idempotent(MilestoneOut)
def milestone_complete(request, pk: int, payload: CompleteIn):
    """Record the day milestone `pk` was done (not in the future)."""
    user = request.auth
    milestone = selectors.milestone_get(user=user, pk=pk)
    _require_writable(user, milestone.project)
    form = DoneForm({"done_on": payload.done_on, "version": payload.version or ""})
    if not form.is_valid():
        raise ValidationError(form.errors.as_data())
    services.milestone_complete(
        actor=user, milestone=milestone, done_on=form.cleaned_data["done_on"], expected_version=payload.version
    )
    return selectors.project_milestones(user=user, project=milestone.project, as_of=timezone.localdate()).get(pk=pk)

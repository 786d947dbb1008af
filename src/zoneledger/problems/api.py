"""The API's `problems` router: the queue, a problem, raising one and taking a step on it.

Thin like the pages' views: reads through `selectors`, writes through `services`; what the user may not see is
`NotFound`, what they may not do `NotAllowed`, bad input a `ValidationError` (422) — answered once by the root.
Writes honour an `Idempotency-Key` header (`core.api.idempotent`).
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from ninja import Query, Router
from ninja.responses import Status

from zoneledger.accounts.models import OrgUnit, User
from zoneledger.accounts.scope import zone_is_writable
from zoneledger.core.api import READ_PROBLEMS, WRITE_PROBLEMS, Page, PageQuery, idempotent, paginate
from zoneledger.core.errors import NotAllowed, NotFound
from zoneledger.projects import selectors as project_selectors
from zoneledger.zones.models import Zone

from . import selectors, services
from .schemas import ProblemAct, ProblemFilters, ProblemOut, ProblemRaise

router = Router(tags=["problems"])


@router.get("/", response={200: Page[ProblemOut], **READ_PROBLEMS}, summary="The problem queue")
def problem_list(request, filters: Query[ProblemFilters], page: Query[PageQuery]):
    """The problems the user may see, filtered as on the queue page (newest first, ties broken by id)."""
    user = request.auth
    if not user.reads_business_data:
        raise NotFound
    data = filters.model_dump(exclude_none=True)
    as_of = data.pop("as_of", None)
    queue = selectors.problem_filter(user=user, data=data, as_of=as_of)
    if not queue.form.is_valid():
        raise ValidationError(queue.form.errors.as_data())
    return paginate(queue.qs, page)


@router.get("/{int:pk}", response={200: ProblemOut, **READ_PROBLEMS}, summary="A problem")
def problem_detail(request, pk: int):
    return selectors.problem_get(user=request.auth, pk=pk)


@router.post("/", response={201: ProblemOut, **WRITE_PROBLEMS}, summary="Raise a problem")
@idempotent(ProblemOut)
def problem_raise(request, payload: ProblemRaise):
    """Raise a problem of a project the user writes in (or of a zone, without a project); its clock starts now."""
    user = request.auth
    if not user.can_edit:
        raise NotAllowed
    project = zone = None
    # A project or zone the user does not see is bad input, as an unknown choice is on the page's form.
    if payload.project is not None:
        try:
            project = project_selectors.project_get(user=user, pk=payload.project)
        except NotFound:
            raise ValidationError({"project": _("No such project.")}) from None
        zone = project.zone
    elif payload.zone is not None:
        zone = Zone.objects.visible_to(user).filter(pk=payload.zone).first()
        if zone is None:
            raise ValidationError({"zone": _("No such zone.")})
    if zone is not None and not zone_is_writable(user, zone):
        raise NotAllowed(_("You may not raise problems in %(zone)s.") % {"zone": zone})
    owner_org = OrgUnit.objects.filter(pk=payload.owner_org).first()
    if owner_org is None:
        raise ValidationError({"owner_org": _("No such organisation.")})
    owner = None
    if payload.owner is not None:
        owner = User.objects.filter(pk=payload.owner, org=owner_org).first()
        if owner is None:
            raise ValidationError({"owner": _("No such person in that organisation.")})
    problem = services.problem_raise(
        actor=user,
        project=project,
        zone=zone,
        title=payload.title,
        description=payload.description,
        category=payload.category,
        level=payload.level,
        owner_org=owner_org,
        owner=owner,
    )
    return Status(201, selectors.problem_get(user=user, pk=problem.pk))


@router.post("/{int:pk}/act", response={200: ProblemOut, **WRITE_PROBLEMS}, summary="Take a step on a problem")
@idempotent(ProblemOut)
def problem_act(request, pk: int, payload: ProblemAct):
    """Plan, reply, solve, close (销号) or reopen, with a note (a reply, a solution and a reopening need one)."""
    user = request.auth
    problem = selectors.problem_get(user=user, pk=pk)
    if not zone_is_writable(user, problem.zone):
        raise NotAllowed(_("You may not act on problems of %(zone)s.") % {"zone": problem.zone})
    services.problem_act(actor=user, problem=problem, step=payload.step, note=payload.note)
    return selectors.problem_get(user=user, pk=pk)

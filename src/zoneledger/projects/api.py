"""The API's `projects` router: the ledger, a project, its events; adding and changing projects, recording and
voiding stages.

Handlers are thin like the pages' views: they read through `selectors`, check input with the pages' forms and
write through `services`. `request.auth` is the user (a token's or the session's); what they may not see is
`NotFound`, what they may not do `NotAllowed`, both raised here or below and answered once by the API's root.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from ninja import Query, Router
from ninja.responses import Status

from zoneledger.accounts.scope import zone_is_writable
from zoneledger.audit.stamp import cached
from zoneledger.core.api import (
    READ_PROBLEMS,
    WRITE_PROBLEMS,
    Page,
    PageQuery,
    idempotent,
    json_answer,
    json_text,
    paginate,
)
from zoneledger.core.errors import NotAllowed

from . import selectors, services
from .forms import ProjectForm, StageForm, VoidForm
from .schemas import (
    EventCreate,
    EventOut,
    EventVoid,
    ProjectCreate,
    ProjectFilters,
    ProjectOut,
    ProjectUpdate,
    project_document,
)

router = Router(tags=["projects"])


def _valid(form):
    """The form's cleaned data, or its errors as a ValidationError (422) when the input does not pass."""
    if not form.is_valid():
        raise ValidationError(form.errors.as_data())
    return form.cleaned_data


def _require_writable(user, project):
    """Refuse (403) before checking input: whoever may not write here learns nothing from the input's errors."""
    if not zone_is_writable(user, project.zone):
        raise NotAllowed(_("You may not change projects of %(zone)s.") % {"zone": project.zone})


def _form_data(facts: dict) -> dict:
    """Facts as a form reads them: a missing value is an empty field."""
    return {name: "" if value is None else value for name, value in facts.items()}


@router.get("/", response={200: Page[ProjectOut], **READ_PROBLEMS}, summary="The ledger")
def project_list(request, filters: Query[ProjectFilters], page: Query[PageQuery]):
    """The projects the user may see, filtered as on the ledger page, in its order (ties broken by id)."""
    user = request.auth
    asked = filters.model_dump(exclude_none=True)
    # A page is kept under the ledger's change stamp (audit.stamp): a repeat between two writes is one query. What
    # the user sees is their org's scope, or nothing without business data (`visible_to`); the stage's label is in
    # the language. A refused filter raises, and nothing is kept.
    key = selectors.ledger_answer_key(user=user, asked=(tuple(sorted(asked.items())), page.page, page.page_size))
    return json_answer(cached("ledger", key, lambda: _ledger_page(user, asked, page)))


def _ledger_page(user, asked: dict, page: PageQuery) -> str:
    ledger = selectors.project_filter(user=user, data=asked)
    _valid(ledger.form)
    found = paginate(selectors.project_rows(ledger.qs), page)
    found["items"] = [project_document(row) for row in found["items"]]
    return json_text(found)


@router.get("/{int:pk}", response={200: ProjectOut, **READ_PROBLEMS}, summary="A project")
def project_detail(request, pk: int):
    return selectors.project_get(user=request.auth, pk=pk)


@router.post("/", response={201: ProjectOut, **WRITE_PROBLEMS}, summary="Add a project")
@idempotent(ProjectOut)
def project_create(request, payload: ProjectCreate):
    """Add a project to a zone the user writes in, as the page's form does."""
    user = request.auth
    if not user.can_edit:
        raise NotAllowed
    form = ProjectForm(_form_data(payload.model_dump()), user=user)
    _valid(form)
    with transaction.atomic():
        project = services.project_create(actor=user, enterprise=form.enterprise(user), **form.facts())
    return Status(201, selectors.project_get(user=user, pk=project.pk))


@router.patch("/{int:pk}", response={200: ProjectOut, **WRITE_PROBLEMS}, summary="Change a project")
@idempotent(ProjectOut)
def project_update(request, pk: int, payload: ProjectUpdate):
    """Change the facts given (the others stay as they are). A `version` other than the project's is refused
    with 409 and the project as it is now."""
    user = request.auth
    project = selectors.project_get(user=user, pk=pk)
    _require_writable(user, project)
    unchanged = ProjectForm(instance=project, user=user)
    data = {name: unchanged[name].value() for name in unchanged.fields}
    data.update(payload.model_dump(exclude_unset=True))
    form = ProjectForm(_form_data(data), instance=project, user=user)
    _valid(form)
    with transaction.atomic():
        services.project_update(
            actor=user,
            project=project,
            expected_version=payload.version,
            enterprise=form.enterprise(user),
            **form.facts(),
        )
    return selectors.project_get(user=user, pk=pk)


@router.get("/{int:pk}/events", response={200: list[EventOut], **READ_PROBLEMS}, summary="A project's events")
def project_events(request, pk: int):
    """The project's stage events, voided ones too, in the timeline's order."""
    project = selectors.project_get(user=request.auth, pk=pk)
    return selectors.project_events(user=request.auth, project=project)


@router.post("/{int:pk}/events", response={201: EventOut, **WRITE_PROBLEMS}, summary="Record a stage")
@idempotent(EventOut)
def event_create(request, pk: int, payload: EventCreate):
    """Record that the project reached a stage, refused where it breaks the lifecycle's rules."""
    user = request.auth
    project = selectors.project_get(user=user, pk=pk)
    _require_writable(user, project)
    form = StageForm(_form_data(payload.model_dump()), project=project)
    event = services.record_stage(actor=user, project=project, **_valid(form))
    return Status(201, event)


@router.post("/{int:pk}/events/{int:event_pk}/void", response={200: EventOut, **WRITE_PROBLEMS}, summary="Void")
@idempotent(EventOut)
def event_void(request, pk: int, event_pk: int, payload: EventVoid):
    """Void a wrong stage event with the reason; it stays in the timeline, struck through."""
    user = request.auth
    project = selectors.project_get(user=user, pk=pk)
    event = selectors.project_event_get(user=user, project=project, pk=event_pk)
    _require_writable(user, project)
    form = VoidForm(_form_data(payload.model_dump()))
    return services.void_event(actor=user, event=event, reason=_valid(form)["reason"])

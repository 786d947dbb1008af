"""The API's `approvals` router: the items of the user's scope, and saving one (created or updated by its project
code and matter). Thin: selectors and services, `Idempotency-Key` honoured on the write."""

from django.core.exceptions import ValidationError
from ninja import Query, Router

from zoneledger.accounts.scope import user_scope
from zoneledger.core.api import READ_PROBLEMS, WRITE_PROBLEMS, Page, PageQuery, idempotent, paginate
from zoneledger.core.errors import NotAllowed, NotFound

from . import selectors, services
from .forms import ApprovalForm
from .schemas import ApprovalFilters, ApprovalIn, ApprovalOut

router = Router(tags=["approvals"])


@router.get("/", response={200: Page[ApprovalOut], **READ_PROBLEMS}, summary="Approval items")
def approval_list(request, filters: Query[ApprovalFilters], page: Query[PageQuery]):
    """The approval items of the user's scope, by code and matter; `unmatched` keeps those waiting for a project."""
    user = request.auth
    if not user.reads_business_data:
        raise NotFound
    items = selectors.approval_list(user=user, scope=user_scope(user), unmatched=filters.unmatched, state=filters.state)
    return paginate(items, page)


@router.post("/", response={200: ApprovalOut, **WRITE_PROBLEMS}, summary="Save an approval item")
@idempotent(ApprovalOut)
def approval_create(request, payload: ApprovalIn):
    """Create or update the item of (project_code, matter), checked as the page's form checks it."""
    user = request.auth
    if not user.can_edit:
        raise NotAllowed
    data = {name: "" if value is None else value for name, value in payload.model_dump().items()}
    form = ApprovalForm(data)
    if not form.is_valid():
        raise ValidationError(form.errors.as_data())
    item, _changed = services.approval_save(actor=user, **form.cleaned_data)
    return item

"""The approval pages: the items of the user's scope (unmatched ones waiting for their project), adding one, and
matching the unmatched to the projects that now hold their codes. The project page's checklist is drawn by the
`approval_panel` template tag."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from zoneledger.accounts.scope import user_scope
from zoneledger.core.errors import NotFound

from . import selectors, services
from .choices import ApprovalState
from .forms import ApprovalForm

PAGE_SIZE = 50


def _scope(request):
    if not request.user.reads_business_data:
        raise NotFound
    return user_scope(request.user)


@login_required
@require_GET
def approval_list(request):
    """The approval items of the user's scope; `?unmatched=1` keeps those whose project is not in the ledger,
    `?state=done` those of one state and `?year=2024` those decided in a year (a bad value is ignored)."""
    scope = _scope(request)
    unmatched = request.GET.get("unmatched") == "1"
    state = request.GET.get("state") if request.GET.get("state") in ApprovalState.values else None
    year = request.GET.get("year", "")
    decided_in = int(year) if year.isdigit() and 2000 <= int(year) <= 2100 else None
    items = selectors.approval_list(
        user=request.user, scope=scope, unmatched=unmatched, state=state, decided_in=decided_in
    )
    page = Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "scope": scope,
        "unmatched": unmatched,
        "state": state and ApprovalState(state).label,
        "decided_in": decided_in,
        "can_edit": request.user.can_edit,
    }
    return render(request, "approvals/approval_list.html", context)


@login_required
def approval_create(request):
    """Add (or update) one approval item by hand, keyed by its project code and matter."""
    if not request.user.can_edit:
        raise PermissionDenied
    form = ApprovalForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            item, _changed = services.approval_save(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            for name, errors in error.error_dict.items():
                form.add_error(name if name in form.fields else NON_FIELD_ERRORS, errors)
        else:
            messages.success(request, _("Approval item “%(item)s” saved.") % {"item": item})
            return redirect("approvals:approval_list")
    return render(request, "approvals/approval_form.html", {"form": form})


@login_required
@require_POST
def approvals_match(request):
    """Link every unmatched item whose code a project of the user's zones now holds."""
    if not request.user.can_edit:
        raise PermissionDenied
    count = services.approvals_match_all(actor=request.user)
    messages.success(request, _("Matched %(count)s approval items to their projects.") % {"count": count})
    return redirect(f"{request.path.removesuffix('match/')}?unmatched=1")

"""The API's `progress` router: a project's monthly reports, submitting one, approving or returning one.

Thin like the pages: reads through `selectors`, input checked by the page's `ReportForm`, writes through the same
services (four eyes, states, corrections and audit included). Writes honour `Idempotency-Key`.
"""

from datetime import date

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from ninja import Query, Router
from ninja.responses import Status

from zoneledger.accounts.scope import zone_is_writable
from zoneledger.core.api import READ_PROBLEMS, WRITE_PROBLEMS, Page, PageQuery, idempotent, paginate
from zoneledger.core.dates import EARLIEST, LATEST
from zoneledger.core.errors import NotAllowed
from zoneledger.projects import selectors as projects
from zoneledger.zones import selectors as zones

from . import selectors, services
from .forms import ReportForm
from .schemas import MonthOut, ReportOut, ReportReturn, ReportSubmit, ReviewOut, ReviewQuery

router = Router(tags=["progress"])


def _month(text: str) -> date:
    try:
        year, number = (int(part) for part in text.split("-"))
        month = date(year, number, 1)
    except ValueError:
        month = None
    if month is None or not EARLIEST <= month <= LATEST:
        raise ValidationError({"month": _("Give the month as YYYY-MM.")})
    return month


def _fresh(user, pk: int):
    return selectors.project_versions(user=user, project=selectors.version_get(user=user, pk=pk).project).get(pk=pk)


@router.get("/projects/{int:pk}/reports", response={200: list[ReportOut], **READ_PROBLEMS}, summary="Reports")
def report_list(request, pk: int):
    """Every version of every month of the project's reports, newest month first."""
    project = projects.project_get(user=request.auth, pk=pk)
    return selectors.project_versions(user=request.auth, project=project)


@router.get("/months/{int:zone}/{month}", response={200: MonthOut, **READ_PROBLEMS}, summary="A zone's month")
def zone_month(request, zone: int, month: str):
    """本月填报 of a zone the user sees: every project that must report the month (YYYY-MM) with its plan, last
    month's amount, the month's state and amount — the month page's rows, by the same selectors."""
    user = request.auth
    place = zones.zone_get(user=user, pk=zone)
    first = _month(month)
    rows = selectors.month_rows(user=user, month=first, zone_id=place.pk)
    return {"zone": place, "month": f"{first:%Y-%m}", "projects": selectors.month_rows_beside(rows=rows, month=first)}


@router.get("/reviews", response={200: Page[ReviewOut], **READ_PROBLEMS}, summary="Reports to review")
def review_queue(request, filters: Query[ReviewQuery], page: Query[PageQuery]):
    """待审核: the submitted reports the reviewer may approve or return, oldest submission first, filtered by zone
    and month as on the review page; a zone the user does not see is 404, anyone but a reviewer 403."""
    user = request.auth
    if not user.can_review:
        raise NotAllowed(_("Only a reviewer may approve or return monthly reports."))
    zone_id = zones.zone_get(user=user, pk=filters.zone).pk if filters.zone is not None else None
    month = _month(filters.month) if filters.month else None
    return paginate(selectors.review_queue(user=user, zone_id=zone_id, month=month), page)


@router.post("/projects/{int:pk}/reports", response={201: ReportOut, **WRITE_PROBLEMS}, summary="Submit a month")
@idempotent(ReportOut)
def report_submit(request, pk: int, payload: ReportSubmit):
    """Submit (or with `draft` save) a month's report: a first report, a resubmission, or a correction."""
    user = request.auth
    project = projects.project_get(user=user, pk=pk)
    if not zone_is_writable(user, project.zone):
        raise NotAllowed(_("You may not report monthly progress of %(zone)s.") % {"zone": project.zone})
    month = _month(payload.month)
    form = ReportForm(
        {
            "amount": payload.amount,
            "physical_progress": payload.physical_progress,
            "note": payload.note,
            "action": "save" if payload.draft else "submit",
        }
    )
    if not form.is_valid():
        raise ValidationError(form.errors.as_data())
    write = services.progress_save if payload.draft else services.progress_submit
    version = write(
        actor=user,
        project=project,
        month=month,
        amount=form.cleaned_data["amount"],
        physical_progress=form.cleaned_data["physical_progress"],
        note=form.cleaned_data["note"],
    )
    return Status(201, _fresh(user, version.pk))


@router.post("/reports/{int:pk}/approve", response={200: ReportOut, **WRITE_PROBLEMS}, summary="Approve a report")
@idempotent(ReportOut)
def report_approve(request, pk: int):
    """Approve a submitted report (not one's own): its amount counts in 完成投资 from now on."""
    version = selectors.version_get(user=request.auth, pk=pk)
    services.progress_approve(actor=request.auth, version=version)
    return _fresh(request.auth, pk)


@router.post("/reports/{int:pk}/return", response={200: ReportOut, **WRITE_PROBLEMS}, summary="Return a report")
@idempotent(ReportOut)
def report_return(request, pk: int, payload: ReportReturn):
    """Return a submitted report to its zone with the reason."""
    version = selectors.version_get(user=request.auth, pk=pk)
    services.progress_return(actor=request.auth, version=version, reason=payload.reason)
    return _fresh(request.auth, pk)

"""The API's read-side routers.

`figures`: the document `zoneledger figures --format json` prints, computed by the same function
(`figures.figures_document`) for the same scope, period, as-of day and moment, within the user's scope; a repeat
between two writes is answered from the cache (`cached.figures_document`).

`warnings`: the warning lists the pages show, each from the selector its page reads, paged like every list of the
API: 签约未开工 (/warnings/), 低于序时进度 and 未按时填报 (the plan page), 节点逾期 (/milestones/, red).
"""

from datetime import date

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router

from zoneledger.accounts.scope import user_scope, user_scope_in
from zoneledger.core.api import READ_PROBLEMS, Page, PageQuery, paginate
from zoneledger.core.dates import parse_date, parse_moment
from zoneledger.core.errors import NotFound
from zoneledger.milestones import selectors as milestones
from zoneledger.milestones.choices import Light
from zoneledger.milestones.schemas import MilestoneOut
from zoneledger.progress import selectors as progress

from .cached import figures_document
from .figures import period_for, signed_not_started_rows
from .forms import WarningsForm
from .schemas import (
    BehindPlanOut,
    FiguresOut,
    FiguresQuery,
    LateReportOut,
    OverdueQuery,
    PlanQuery,
    SignedNotStartedOut,
    SignedNotStartedQuery,
)

router = Router(tags=["figures"])


def _parsed(parse, text, field):
    try:
        return parse(text) if text else None
    except ValueError as error:
        raise ValidationError({field: str(error)}) from None


@router.get("/", response={200: FiguresOut, **READ_PROBLEMS}, exclude_unset=True, summary="Figures")
def figures(request, query: Query[FiguresQuery]):
    """签约、开工、投产 batches of a year or a round in a scope the user sees; a scope or round beyond theirs is 404."""
    user = request.auth
    if (query.year is None) == (query.round is None):
        raise ValidationError({"year": _("Give a year or a round, not both.")})
    as_of = _parsed(parse_date, query.as_of, "as_of")
    known_at = _parsed(parse_moment, query.known_at, "known_at")
    scope = user_scope_in(user, query.scope) if query.scope else user_scope(user)
    try:
        period = period_for(user=user, province=scope.province, year=query.year, round=query.round)
    except ValidationError as error:
        raise ValidationError({"year" if query.year is not None else "round": error.messages}) from None
    return figures_document(user=user, scope=scope, period=period, as_of=as_of, known_at=known_at, by=query.by)


# -- warnings -----------------------------------------------------------------------------------------------------

warnings_router = Router(tags=["warnings"])


def _reader(request):
    """The user, if they read the ledger's business data (the warnings pages are 404 to anyone else)."""
    user = request.auth
    if not user.reads_business_data:
        raise NotFound
    return user


@warnings_router.get(
    "/signed-not-started", response={200: Page[SignedNotStartedOut], **READ_PROBLEMS}, summary="Signed, not started"
)
def signed_not_started(request, query: Query[SignedNotStartedQuery], page: Query[PageQuery]):
    """签约未开工 in the user's scope as the /warnings/ page lists it: longest waiting first (or as `sort` says),
    filtered by level, as of a day and as the ledger stood at a moment."""
    user = _reader(request)
    form = WarningsForm({"level": query.level or "", "sort": query.sort or "", "as_of": query.as_of or ""})
    if not form.is_valid():
        raise ValidationError(form.errors.as_data())
    rows = signed_not_started_rows(
        user=user,
        scope=user_scope(user),
        as_of=form.cleaned_data["as_of"] or None,
        known_at=_parsed(parse_moment, query.known_at, "known_at"),
        level=form.cleaned_data["level"] or None,
        sort=form.cleaned_data["sort"] or "-days",
    )
    return paginate(rows, page)


def _warning_month(query: PlanQuery) -> date:
    """The month asked (December of a year asked alone), else the warnings page's month of today
    (`progress.warning_month`: the latest month whose reports were due)."""
    if query.year is None and query.month is None:
        return progress.warning_month(timezone.localdate())
    today = timezone.localdate()
    year = query.year or today.year
    return date(year, query.month or (today.month if year == today.year else 12), 1)


@warnings_router.get("/behind-plan", response={200: Page[BehindPlanOut], **READ_PROBLEMS}, summary="Behind the plan")
def behind_plan(request, query: Query[PlanQuery], page: Query[PageQuery]):
    """低于序时进度: the planned projects of the user's scope whose 完成率 to the end of the month is under the
    threshold share (ZONELEDGER_PLAN_WARNING_SHARE), as the plan page flags them and the warnings page lists them;
    without a year or month, the warnings page's month (the latest whose reports were due)."""
    user = _reader(request)
    return paginate(progress.behind_plan(user=user, month=_warning_month(query), zone_id=query.zone), page)


@warnings_router.get("/late-reports", response={200: Page[LateReportOut], **READ_PROBLEMS}, summary="Reports late")
def late_reports(request, query: Query[PlanQuery], page: Query[PageQuery]):
    """未按时填报: projects of the user's scope that had to report the month and had not submitted it by its due day
    (empty until then), as the plan page and the warnings page list them; without a year or month, the warnings
    page's month (the latest whose reports were due)."""
    user = _reader(request)
    return paginate(progress.late_reports(user=user, month=_warning_month(query), zone_id=query.zone), page)


@warnings_router.get(
    "/overdue-milestones", response={200: Page[MilestoneOut], **READ_PROBLEMS}, summary="Milestones overdue"
)
def overdue_milestones(request, query: Query[OverdueQuery], page: Query[PageQuery]):
    """节点逾期: the live milestones of the user's scope past their planned day and not done, as of a day; the
    milestones list's red light (GET /milestones/?light=red), oldest first."""
    user = _reader(request)
    rows = milestones.milestone_list(user=user, scope=user_scope(user), as_of=query.as_of, light=Light.RED)
    return paginate(rows, page)

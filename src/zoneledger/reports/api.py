"""The API's `figures` router: the document `zoneledger figures --format json` prints, computed by the same
function (`figures.figures_document`) for the same scope, period, as-of day and moment, within the user's scope."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from ninja import Query, Router

from zoneledger.accounts.scope import user_scope, user_scope_in
from zoneledger.core.api import READ_PROBLEMS
from zoneledger.core.dates import parse_date, parse_moment

from .figures import figures_document, period_for
from .schemas import FiguresOut, FiguresQuery

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

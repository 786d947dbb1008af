"""The live figures, which read the days each project's row caches (`Project.started_on` …), agree with the figures
counted from the events themselves (the `known_at` path), on the demo ledger the services wrote."""

from datetime import date

import pytest
from django.utils import timezone

from zoneledger.accounts.models import User
from zoneledger.accounts.scope import user_scope_in
from zoneledger.reports.figures import Period, batch_figures, breakdown

pytestmark = pytest.mark.django_db
# Periods with the as-of days to count them to: some before the projects reached their later stages, some after.
MOMENTS = [
    ("2023", date(2023, 12, 31)),
    ("2023", date(2024, 6, 30)),
    ("2023-4", date(2024, 3, 31)),
    ("2024", date(2024, 9, 30)),
    ("2024", date(2024, 12, 31)),
    ("2024-2", date(2024, 12, 31)),
]


def families(figures):
    return figures.signed, figures.started, figures.commissioned, figures.same_year


@pytest.mark.parametrize(("period", "as_of"), MOMENTS)
def test_the_cached_days_and_the_events_give_the_same_figures(period, as_of):
    viewer = User.objects.get(username="province-viewer")
    scope = user_scope_in(viewer, "province")
    now = timezone.now()
    chosen = Period.for_year(period) if "-" not in period else Period.for_round(period)

    live = batch_figures(user=viewer, scope=scope, period=chosen, as_of=as_of)
    from_events = batch_figures(user=viewer, scope=scope, period=chosen, as_of=as_of, known_at=now)
    assert live.signed.count or live.started.count  # the period holds batches, so the comparison says something
    assert families(live) == families(from_events)
    for by in ("city", "zone"):
        assert breakdown(user=viewer, scope=scope, period=chosen, by=by, as_of=as_of) == breakdown(
            user=viewer, scope=scope, period=chosen, by=by, as_of=as_of, known_at=now
        )

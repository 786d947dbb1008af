"""The audit trail's periodic task: a signed checkpoint of each chain's head, every ZONELEDGER_AUDIT_ANCHOR_MINUTES."""

import logging
from datetime import timedelta

from django.conf import settings
from django.tasks import task

from zoneledger.jobs.schedule import periodic

from . import anchors, services

logger = logging.getLogger(__name__)


@periodic(every=timedelta(minutes=settings.ZONELEDGER_AUDIT_ANCHOR_MINUTES))
@task()
def audit_anchor() -> int:
    """Write the checkpoints of the chains that moved (`services.write_checkpoints`); how many were written.

    Without a key (development) there is nothing to do. A chain that no longer follows on from its checkpoint is
    not anchored, and said in the log as an error: someone changed the trail."""
    if anchors.anchor_key() is None:
        return 0
    run = services.write_checkpoints()
    for chain in run.refused:
        logger.error("audit chain not anchored: %s", chain.describe())
    return len(run.written)

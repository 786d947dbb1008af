"""Writes to the enterprise registry: an enterprise found by its USCC (or, without one, its name), created when new,
one at a time (the project form) or in bulk (an import, the demo), each creation audited.

The actor is a user, or None: the operator at the server's command line (the demo builder), named by `actor_name`.
"""

import uuid
from collections.abc import Mapping

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from zoneledger.accounts.models import User
from zoneledger.audit import services as audit
from zoneledger.audit.actions import Action
from zoneledger.core import bulk
from zoneledger.core.codes import validate_uscc
from zoneledger.zones.models import Division

from .models import Enterprise

Actor = User | None  # None: the operator at the server's command line
EnterpriseKey = tuple[str, str]  # ("uscc", its USCC) or ("name", its name), for an enterprise without a USCC


@transaction.atomic
def enterprise_resolve(
    *, actor: Actor, name: str, uscc: str | None = None, division: Division | None = None
) -> Enterprise:
    """The enterprise with this USCC (or, without one, this name), created if new."""
    name = (name or "").strip()
    if not name:
        raise ValidationError({"enterprise": _("Give the enterprise's name.")})
    if uscc:
        try:
            uscc = validate_uscc(uscc)
        except ValidationError as error:
            raise ValidationError({"uscc": error.messages}) from None
        enterprise = Enterprise.objects.filter(uscc=uscc).first()
    else:
        enterprise = Enterprise.objects.filter(name=name, uscc__isnull=True).first()
    if enterprise is None:
        enterprise = Enterprise.objects.create(name=name, uscc=uscc or None, division=division)
        audit.record(actor=actor, action=Action.ENTERPRISE_CREATE, obj=enterprise, after={"name": name, "uscc": uscc})
    return enterprise


@transaction.atomic
def enterprises_resolve_bulk(
    *,
    actor: Actor,
    wanted: Mapping[EnterpriseKey, str],
    batch: uuid.UUID,
    division: Division | None = None,
    actor_name: str = "",
) -> dict[EnterpriseKey, Enterprise]:
    """The enterprises `wanted` names — {("uscc", USCC) or ("name", name): the name given} — creating those that
    are new (registered in `division`, if given), with one audit record each. As in `enterprise_resolve`, a known
    USCC wins over the name given; USCCs must already be checked and normalised (`validate_uscc`)."""
    usccs = [value for kind, value in wanted if kind == "uscc"]
    names = [value for kind, value in wanted if kind == "name"]
    found: dict[EnterpriseKey, Enterprise] = {
        ("uscc", e.uscc or ""): e for e in Enterprise.objects.filter(uscc__in=usccs)
    }
    found |= {("name", e.name): e for e in Enterprise.objects.filter(name__in=names, uscc__isnull=True)}
    new = {
        key: Enterprise(name=name, uscc=key[1] if key[0] == "uscc" else None, division=division)
        for key, name in wanted.items()
        if key not in found
    }
    if not new:
        return found
    bulk.insert_instances(Enterprise, new.values())
    audit.record_bulk(
        actor=actor,
        actor_name=actor_name,
        action=Action.ENTERPRISE_CREATE,
        batch=batch,
        entries=[audit.Entry(obj=e, after={"name": e.name, "uscc": e.uscc}) for e in new.values()],
    )
    return found | new

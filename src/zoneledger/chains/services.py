"""Writes to industry chains: keyword-only, in one transaction, audited."""

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from zoneledger.audit import services as audit
from zoneledger.audit.actions import Action
from zoneledger.enterprises.models import Enterprise
from zoneledger.workdays.permissions import kept_province

from .models import Chain, ChainLink

if TYPE_CHECKING:
    from zoneledger.accounts.models import User


@transaction.atomic
def chain_create(
    *,
    actor: "User | None",
    province: str,
    name: str,
    leader: str = "",
    links: Sequence[str] = (),
    masters: Iterable[Enterprise] = (),
) -> Chain:
    """Define a province's industry chain (产业链): its leader (链长), its links upstream first, its chain-master
    enterprises.

    A province's business administrator defines their own province's chains; the operator at the command line (no
    actor) any province's. Refused with nothing written: PermissionDenied for anyone else; ValidationError for a
    blank name, a name the province already gives a chain, or a blank or repeated link.
    """
    if actor is not None and kept_province(actor) != province:
        raise PermissionDenied(_("Only the province's business administrator defines its industry chains."))
    names = [link.strip() for link in links]
    if any(not link for link in names) or len(set(names)) != len(names):
        raise ValidationError({"links": _("Give each link of the chain once, with a name.")})
    chain = Chain(province_id=province, name=(name or "").strip(), leader=leader.strip())
    chain.full_clean()  # the name given, and not yet the province's (the model's unique constraint)
    chain.save()
    ChainLink.objects.bulk_create(
        ChainLink(chain=chain, position=position, name=link) for position, link in enumerate(names, start=1)
    )
    chain.masters.set(masters)
    audit.record(
        actor=actor,
        actor_name="command line",
        action=Action.CHAIN_CREATE,
        obj=chain,
        after={
            "name": chain.name,
            "leader": chain.leader,
            "links": names,
            "masters": sorted(master.name for master in chain.masters.all()),
        },
    )
    return chain

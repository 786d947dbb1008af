"""The API's `zones` router: the development zones of the user's scope."""

from ninja import Router

from zoneledger.core.api import READ_PROBLEMS

from . import selectors
from .schemas import ZoneOut

router = Router(tags=["zones"])


@router.get("/", response={200: list[ZoneOut], **READ_PROBLEMS}, summary="Zones")
def zone_list(request):
    """The zones the user's org covers, by city and name."""
    return selectors.zone_list(user=request.auth)


@router.get("/{int:pk}", response={200: ZoneOut, **READ_PROBLEMS}, summary="A zone")
def zone_detail(request, pk: int):
    return selectors.zone_get(user=request.auth, pk=pk)

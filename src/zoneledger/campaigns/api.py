"""The API's `rounds` router: the rounds of the user's province (every province's for the nation)."""

from ninja import Router

from zoneledger.core.api import READ_PROBLEMS

from . import selectors
from .schemas import RoundOut

router = Router(tags=["rounds"])


@router.get("/", response={200: list[RoundOut], **READ_PROBLEMS}, summary="Rounds")
def round_list(request):
    """The user's rounds, newest first."""
    return selectors.round_list(user=request.auth)


@router.get("/{int:pk}", response={200: RoundOut, **READ_PROBLEMS}, summary="A round")
def round_detail(request, pk: int):
    return selectors.round_by_id(user=request.auth, pk=pk)

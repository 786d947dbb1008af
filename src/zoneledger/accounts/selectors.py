"""Reads about accounts that serve a user: each takes `user=`."""

from typing import TYPE_CHECKING

from django_otp.plugins.otp_totp.models import TOTPDevice

if TYPE_CHECKING:
    from zoneledger.accounts.models import User


def authenticator_of(*, user: "User") -> TOTPDevice | None:
    """The user's confirmed authenticator app, if they have set one up."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()

"""What commands share about people: the acting user (`--as USER`), whose scope and role the command then has."""

from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from .models import User


def acting_user(username: str) -> User:
    """The active user called `username`, or a CommandError naming --as."""
    user = User.objects.select_related("org").filter(username=username, is_active=True).first()
    if user is None:
        raise CommandError(_("--as: there is no active user called “%(name)s”.") % {"name": username})
    return user

"""What the progress and plan commands share: the acting user and a project named by its code or id."""

from datetime import date

from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from zoneledger.accounts.models import User
from zoneledger.core.errors import NotFound
from zoneledger.projects.models import Project


def acting_user(username: str) -> User:
    user = User.objects.filter(username=username, is_active=True).first()
    if user is None:
        raise CommandError(_("--as: there is no active user called “%(name)s”.") % {"name": username})
    return user


def project_named(user: User, reference: str) -> Project:
    """The project whose national code (or id) is `reference`, if the user sees it; NotFound otherwise."""
    projects = Project.objects.visible_to(user).select_related("zone")
    project = projects.filter(code=reference).first()
    if project is None and reference.isdigit():
        project = projects.filter(pk=int(reference)).first()
    if project is None:
        raise NotFound(_("--project: no project “%(ref)s” in your scope.") % {"ref": reference})
    return project


def option_month(text: str) -> date:
    try:
        year, number = (int(part) for part in text.split("-"))
        return date(year, number, 1)
    except ValueError:
        raise CommandError(_("--month: give the month as YYYY-MM.")) from None

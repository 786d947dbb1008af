"""What the commands that act on projects share: a project named by its national code or its id (`--project REF`),
seen through the user's scope like everything else (the acting user is `accounts.commands.acting_user`)."""

from django.utils.translation import gettext as _

from zoneledger.accounts.models import User
from zoneledger.core.errors import NotFound

from .models import Project


def project_named(user: User, reference: str) -> Project:
    """The project whose national code (or id) is `reference`, if the user sees it; NotFound otherwise."""
    projects = Project.objects.visible_to(user).select_related("zone")
    project = projects.filter(code=reference).first()
    if project is None and reference.isdigit():
        project = projects.filter(pk=int(reference)).first()
    if project is None:
        raise NotFound(_("--project: no project “%(ref)s” in your scope.") % {"ref": reference})
    return project


def project_reference(project: Project) -> str:
    """How a command names a project in its output: the national code, else the id (what --project takes)."""
    return project.code or str(project.pk)

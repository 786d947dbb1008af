"""The words of each kind of notification, made when it is shown (or e-mailed), in the reader's language."""

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .choices import Kind


def text(kind: str, params: dict[str, Any]) -> str:
    """The notification's sentence from its kind and the facts it was written with."""
    if kind == Kind.PROBLEM_ASSIGNED:
        return _("Problem “%(title)s” of %(zone)s is yours to solve.") % params
    if kind == Kind.PROBLEM_DUE:
        return _("Problem “%(title)s”: its deadline “%(deadline)s” is %(date)s.") % (
            params | {"deadline": deadline_label(params.get("deadline", ""))}
        )
    if kind == Kind.PROBLEM_ESCALATED:
        return _("Problem “%(title)s” of %(zone)s was escalated to your level: it is overdue.") % params
    if kind == Kind.PROBLEMS_ESCALATED:
        count = int(params.get("count", 0))
        return ngettext(
            "%(count)d problem was escalated to your level: it is overdue.",
            "%(count)d problems were escalated to your level: they are overdue.",
            count,
        ) % {"count": count}
    if kind == Kind.REPORT_RETURNED:
        return _("Your report of %(project)s for %(month)s was returned: %(reason)s") % params
    return str(Kind(kind).label)


def deadline_label(name: str) -> str:
    """A problem's deadline in words (the problems app names them plan, reply and solve)."""
    return {"plan": _("plan"), "reply": _("first reply"), "solve": _("solved")}.get(name, name)

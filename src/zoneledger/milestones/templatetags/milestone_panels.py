"""The project page's milestone and approval panels, drawn by the app that owns them.

The project page (projects, a lower layer) cannot import this app; it loads this library by name and calls
`{% milestone_panel project %}`, which reads through this app's selectors with the request's user.
"""

from django import template
from django.utils import timezone

from zoneledger.accounts.scope import zone_is_writable
from zoneledger.core.dates import parse_date

from .. import selectors
from ..forms import MilestoneForm, PlanForm

register = template.Library()


@register.inclusion_tag("milestones/_panel.html", takes_context=True)
def milestone_panel(context, project):
    request = context["request"]
    user = request.user
    today = timezone.localdate()
    as_of = _as_of(request.GET.get("as_of"), today)
    milestones = list(selectors.project_milestones(user=user, project=project, as_of=as_of))
    writable = zone_is_writable(user, project.zone)
    templates = selectors.template_list(user=user, province=project.zone.province_id)
    return {
        "request": request,
        "csrf_token": context.get("csrf_token"),
        "project": project,
        "milestones": milestones,
        "project_light": selectors.project_light(milestones=milestones),
        "as_of": as_of,
        "today": today,
        "yellow_days": selectors.yellow_days(),
        "writable": writable,
        "plan_form": PlanForm(templates=templates) if writable else None,
        "milestone_form": MilestoneForm(auto_id="new-milestone-%s") if writable else None,
    }


def _as_of(text, today):
    """The day the lights are shown as of: the page's `?as_of=YYYY-MM-DD` (to see them on a coming day), else today."""
    try:
        return parse_date(text) if text else today
    except ValueError:
        return today

"""The project page's approvals checklist, drawn by the approvals app (the project page loads this library by
name: `{% load approval_panels %}{% approval_panel project %}`; projects imports nothing of approvals)."""

from django import template

from .. import selectors

register = template.Library()


@register.inclusion_tag("approvals/_panel.html", takes_context=True)
def approval_panel(context, project):
    user = context["request"].user
    checklist = selectors.project_approvals(user=user, project=project)
    return {
        "project": project,
        "checklist": checklist,
        "done": sum(1 for _matter, _label, item in checklist if item is not None and item.state == "done"),
    }

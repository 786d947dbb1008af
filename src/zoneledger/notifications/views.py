"""A user's notifications: the inbox, the bell's count (loaded into every page's header), marking them read."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import BadRequest
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from . import selectors, services

PAGE_SIZE = 30


@login_required
@require_GET
def inbox(request):
    """The user's notifications, unread first, each with a link to where to act."""
    page = Paginator(selectors.notification_list(user=request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "notifications/inbox.html",
        {"page": page, "unread": selectors.unread_count(user=request.user)},
    )


@login_required
@require_GET
def badge(request):
    """The bell with its count, which the header loads after the page (so no page pays a query for it)."""
    return render(request, "notifications/_badge.html", {"unread": selectors.unread_count(user=request.user)})


@login_required
@require_POST
def read(request):
    """Mark the notifications chosen read (every unread one when none is chosen)."""
    chosen = request.POST.getlist("notification")
    if not all(value.isdigit() for value in chosen):
        raise BadRequest(_("Choose notifications by their numbers."))
    count = services.notifications_read(user=request.user, ids=[int(value) for value in chosen] or None)
    messages.success(request, _("Marked read: %(count)d.") % {"count": count})
    return redirect("notifications:inbox")

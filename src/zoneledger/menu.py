"""The site header: the menu of the pages a user's role opens, in the header's order, and the header's other links.

A user's menu depends on nothing but which of its entries their role and org open, and on the language, so the links
are reversed and translated once per such combination and kept; each page then marks only the current one. Done in
the template, the dozen `{% url %}` and `{% translate %}` tags cost a quarter of a signed-in page's own time
(docs/PERFORMANCE.md, "Load").
"""

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

from django.http import HttpRequest
from django.urls import reverse
from django.utils.functional import Promise, SimpleLazyObject
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from zoneledger.accounts.models import User


@dataclass(frozen=True)
class Entry:
    """A page of the menu: shown to the users `shown` is true of; current on its own URL, or anywhere under
    `section` when it has one. `badge` names the count fetched after the page (htmx), so no page pays a query."""

    url_name: str
    label: str | Promise
    shown: Callable[["User"], bool]
    section: str = ""
    badge: str = ""
    testid: str = ""


@dataclass(frozen=True)
class Link:
    """An entry as the header shows it: its URL, label and badge resolved in one language."""

    url: str
    label: str
    section: str
    badge_url: str
    testid: str

    def is_current(self, path: str) -> bool:
        return path.startswith(self.section) if self.section else path == self.url


def _business(user: "User") -> bool:
    return user.reads_business_data


ENTRIES: tuple[Entry, ...] = (
    Entry("reports:dashboard", _("Dashboard"), _business),
    Entry("projects:project_list", _("Ledger"), _business, section="/projects/"),
    Entry("problems:problem_list", _("Problems"), _business, section="/problems/"),
    Entry("progress:month", _("Monthly reports"), _business),
    Entry(
        "progress:queue",
        _("To review"),
        lambda user: user.reads_business_data and user.can_review,
        badge="progress:queue_badge",
        testid="review-link",
    ),
    Entry("progress:plans", _("Plans"), _business),
    Entry("campaigns:round_list", _("Rounds"), _business, section="/rounds/"),
    Entry("reports:year_summary", _("Year summary"), _business),
    Entry("reports:warnings", _("Warnings"), _business),
    Entry("ingest:upload", _("Import"), lambda user: user.reads_business_data and user.can_edit, section="/import/"),
    Entry(
        "workdays:index",
        _("Working days"),
        lambda user: user.reads_business_data and user.can_administer and getattr(user.org, "kind", "") == "province",
        section="/workdays/",
    ),
    Entry("audit:record_list", _("Audit log"), lambda user: user.reads_audit_trail, section="/audit/"),
    Entry("admin:index", _("Administration"), lambda user: user.is_staff),
    Entry("accounts:user_list", _("Accounts"), lambda user: user.role == "sysadmin"),
    Entry("accounts:security", _("Security"), lambda user: user.role == "secadmin"),
    Entry("accounts:confirmations", _("Accounts to confirm"), lambda user: user.role == "admin"),
)


@cache
def _links(shown: tuple[bool, ...], language: str | None) -> tuple[Link, ...]:
    """The links of the entries `shown` marks, in `language` (the active one, which is part of the key)."""
    return tuple(
        Link(
            url=reverse(entry.url_name),
            label=str(entry.label),
            section=entry.section,
            badge_url=reverse(entry.badge) if entry.badge else "",
            testid=entry.testid,
        )
        for entry, show in zip(ENTRIES, shown, strict=True)
        if show
    )


def menu(user: "User", path: str) -> list[tuple[Link, bool]]:
    """The menu `user` sees on the page at `path`: each link, and whether it is the current page."""
    if not user.is_authenticated:
        return []
    links = _links(tuple(entry.shown(user) for entry in ENTRIES), get_language())
    return [(link, link.is_current(path)) for link in links]


# The header's other links, the same for everyone (the URLs hold no language).
HEADER_URLS = {
    "ledger": "projects:project_list",
    "set_language": "set_language",
    "inbox": "notifications:inbox",
    "inbox_badge": "notifications:badge",
    "password_change": "accounts:password_change",
    "second_factor": "accounts:second_factor_enrol",
    "api_tokens": "accounts:api_tokens",
    "logout": "accounts:logout",
}


@cache
def _header_urls() -> dict[str, str]:
    return {name: reverse(url_name) for name, url_name in HEADER_URLS.items()}


def site_header(request: HttpRequest) -> dict[str, object]:
    """Context processor: `site_menu` (worked out only when a template shows it, not for an htmx part) and
    `site_urls`, the header's other links by name."""
    return {
        # An anonymous visitor's menu is empty (`menu` asks first).
        "site_menu": SimpleLazyObject(lambda: menu(request.user, request.path)),  # type: ignore[arg-type]
        "site_urls": _header_urls(),
    }

"""Back after htmx pushed a URL: htmx asks for the page again (a history restore) and must get all of it.

The base template keeps no pages in the browser (historyCacheSize 0), so every Back to a pushed URL is such a
request; answering it with the fragment left a bare table on a blank page (/warnings/, /audit/).
"""

from pathlib import Path

import pytest
from django.urls import reverse

import zoneledger
from tests.security.sessions import log_in
from zoneledger.accounts.models import User

pytestmark = pytest.mark.django_db

RESTORE = {"HX-Request": "true", "HX-History-Restore-Request": "true"}
PARTIAL = {"HX-Request": "true"}

# Each template that pushes its URL (hx-push-url), the page it serves, a user who reads it and a query it pushes.
PUSHING_PAGES = {
    "projects/project_list.html": ("projects:project_list", "wenshui-editor", {"stage": "signed", "page": "1"}),
    "problems/problem_list.html": ("problems:problem_list", "province-viewer", {"status": "open", "page": "1"}),
    "audit/record_list.html": ("audit:record_list", "auditor", {"action": "login", "page": "1"}),
    "reports/warnings.html": ("reports:warnings", "province-viewer", {"sort": "name", "level": "red"}),
    # The figures filter pushes when a page gives it an htmx target: the warnings page does.
    "reports/_figures_filter.html": ("reports:warnings", "province-viewer", {"as_of": "2024-12-31"}),
    "progress/month.html": ("progress:month", "wenshui-editor", {"month": "2025-06"}),
    "progress/queue.html": ("progress:queue", "lvliang-reviewer", {"month": "2025-06"}),
    "progress/plans.html": ("progress:plans", "province-viewer", {"year": "2025", "month": "6"}),
}


def templates_that_push():
    root = Path(zoneledger.__file__).parent
    return {
        str(path.relative_to(path.parents[1]))
        for path in root.glob("*/templates/*/*.html")
        if "hx-push-url" in path.read_text(encoding="utf-8")
    }


def test_every_template_that_pushes_its_url_is_checked_below():
    assert templates_that_push() == set(PUSHING_PAGES)


@pytest.mark.parametrize("template", sorted(PUSHING_PAGES))
def test_back_to_a_pushed_url_gets_the_whole_page(client, template):
    name, username, query = PUSHING_PAGES[template]
    log_in(client, User.objects.get(username=username))

    restored = client.get(reverse(name), query, headers=RESTORE)
    partial = client.get(reverse(name), query, headers=PARTIAL)

    assert restored.status_code == 200
    page = restored.content.decode()
    assert page.lstrip().startswith("<!DOCTYPE html>")
    assert "</html>" in page
    assert template in [t.name for t in restored.templates]
    # The same URL without the restore header is the fragment htmx swaps in: the page does push a part.
    assert partial.status_code == 200
    assert "<html" not in partial.content.decode()

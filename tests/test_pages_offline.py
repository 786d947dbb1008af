"""Offline: every page the site renders references only its own host (no CDN, no external URL).

The pages are found by walking the URL map, so a new page is checked without anyone remembering to add
it; a page whose URL takes arguments needs an entry in PAGE_ARGUMENTS (or a reason in NOT_PAGES).
"""

from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.urls import URLResolver, get_resolver, reverse

from zoneledger.accounts import session
from zoneledger.accounts.models import User
from zoneledger.audit.models import AuditRecord
from zoneledger.campaigns.models import Round
from zoneledger.projects.models import Project

pytestmark = pytest.mark.django_db

STATIC_DIR = Path(__file__).resolve().parents[1] / "src" / "zoneledger" / "static"

# Views that are not pages: they take a POST, answer with a file or a redirect, or need a token from a POST;
# and the second-factor step, which shows only in the middle of a log-in.
NOT_PAGES = {
    "accounts:second_factor",
    "accounts:logout",
    "accounts:lockout_release",
    "accounts:account_unlock",
    "accounts:session_end",
    "accounts:second_factor_reset",
    "accounts:api_token_revoke",
    "accounts:user_password",
    "accounts:user_confirm",
    "audit:record_export",
    "reports:round_bulletin_xlsx",
    "reports:round_bulletin_document",
    "reports:year_summary_document",
    "ingest:template",
    "ingest:job",
    "ingest:confirm",
    "ingest:ledger_export",
    "projects:stage_record",
    "projects:event_void",
    "reports:warnings_export",
    "milestones:milestone_export",
    "approvals:approvals_match",
    "milestones:milestones_plan",
    "milestones:milestone_create",
    "milestones:milestone_move",
    "milestones:milestone_done",
    "milestones:milestone_drop",
    "set_language",
    "workdays:index",
    "workdays:override_remove",
    "workdays:year_enter",
    "problems:problem_export",
    "reports:weekly_xlsx",
    "reports:weekly_docx",
    "problems:problem_act",
    "problems:leader_set",
}
# The JSON API answers JSON, not pages (its docs page, api:openapi-view, is a page and is checked).
NOT_PAGES |= {
    "api:openapi-json",
    "api:api-root",
    "api_unknown",
    "api:project_list",
    "api:project_create",
    "api:project_detail",
    "api:project_update",
    "api:project_events",
    "api:event_create",
    "api:event_void",
    "api:round_list",
    "api:round_detail",
    "api:figures",
    "api:zone_list",
    "api:zone_detail",
    "api:problem_list",
    "api:problem_detail",
    "api:problem_raise",
    "api:problem_act",
    "api:report_list",
    "api:report_submit",
    "api:report_approve",
    "api:report_return",
    "api:milestone_list",
    "api:template_list",
    "api:milestones_plan",
    "api:milestone_complete",
    "api:approval_list",
    "api:approval_create",
    "api:signed_not_started",
    "api:behind_plan",
    "api:late_reports",
    "api:overdue_milestones",
    "api:zone_month",
    "api:review_queue",
}
NOT_PAGES |= {"progress:plan_export", "ingest:approvals_template"}  # downloads
NOT_PAGES |= {"campaigns:targets_this_year"}  # a redirect to this year's targets page
# Photos are image files; adding or removing one is a POST; the unread and 待审核 badges are fragments the header loads.
NOT_PAGES |= {
    "progress:report_photo",
    "progress:report_photo_remove",
    "problems:attachment",
    "problems:attachments_add",
    "problems:attachment_remove",
    "notifications:badge",
    "notifications:read",
    "progress:queue_badge",
    "progress:month_row",  # the month page's rows post to these; a POST answers with a row or the page
    "progress:month_submit",
}
NOT_PAGES |= {"ops:healthz", "ops:metrics"}  # for monitoring: JSON and Prometheus text


def _wenshui_project():
    return {"pk": Project.objects.filter(zone__name="文水经济开发区").order_by("pk").first().pk}


def _wenshui_milestone():
    from zoneledger.milestones.models import Milestone

    project = _wenshui_project()
    milestone, _created = Milestone.objects.get_or_create(
        project_id=project["pk"], title="离线检查节点", defaults={"planned_on": "2025-06-30"}
    )
    return project | {"milestone_pk": milestone.pk}


def _latest_round():
    return Round.objects.filter(province_id="140000").order_by("-year", "-sequence").first().url_kwargs


def _a_problem():
    """A problem of the Wenshui project, raised for the page."""
    from datetime import UTC, datetime

    from zoneledger.problems.services import problem_raise

    editor = User.objects.get(username="wenshui-editor")
    project = Project.objects.get(**_wenshui_project())
    problem = problem_raise(
        actor=editor,
        project=project,
        title="页面检查",
        category="land",
        level="ordinary",
        owner_org=editor.org,
        raised_at=datetime(2025, 6, 2, 9, tzinfo=UTC),
    )
    return {"pk": problem.pk}


def _a_task_force():
    """A task force of Shanxi pushing the Wenshui project, kept by the province's reviewer."""
    from zoneledger.problems.services import task_force_save

    reviewer = User.objects.get(username="province-reviewer")
    project = Project.objects.get(**_wenshui_project())
    task_force = task_force_save(actor=reviewer, name="页面检查专班", lead=reviewer, members=[], projects=[project])
    return {"pk": task_force.pk}


def _a_plan_template():
    from zoneledger.milestones.models import PlanTemplate

    return {"pk": PlanTemplate.objects.filter(province_code="140000").order_by("pk").first().pk}


PAGE_ARGUMENTS = {
    "problems:task_force_detail": _a_task_force,
    "problems:task_force_edit": _a_task_force,
    "milestones:template_edit": _a_plan_template,
    "problems:problem_detail": _a_problem,
    "problems:project_problems": _wenshui_project,
    "problems:problem_raise": _wenshui_project,
    "projects:project_detail": _wenshui_project,
    "projects:project_edit": _wenshui_project,
    "progress:project_reports": _wenshui_project,
    "progress:report_edit": lambda: _wenshui_project() | {"year": 2025, "number": 6},
    "progress:plan_edit": lambda: _wenshui_project() | {"year": 2025},
    "milestones:milestone_edit": _wenshui_milestone,
    "reports:round_bulletin": _latest_round,
    "campaigns:round_update": _latest_round,
    "campaigns:targets": lambda: {"year": 2025},
    "workdays:year": lambda: {"year": 2025},
    "accounts:user_edit": lambda: {"pk": User.objects.get(username="wenshui-viewer").pk},
    "audit:record_detail": lambda: {"pk": AuditRecord.objects.filter(province="140000").order_by("pk").first().pk},
}

# Whoever may open the page: business users first (an editor, an administrator, a reviewer), then the auditor,
# the two administrators, and anyone.
USERS = ["wenshui-editor", "province-admin", "province-reviewer", "auditor", "sysadmin", "secadmin"]


def _named_routes(patterns, namespace=None):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _named_routes(pattern.url_patterns, pattern.namespace or namespace)
        elif pattern.name:
            name = f"{namespace}:{pattern.name}" if namespace else pattern.name
            yield name, bool(pattern.pattern.converters)


def page_names():
    return sorted(
        {
            name
            for name, _takes_arguments in _named_routes(get_resolver().url_patterns)
            if not name.startswith("admin:") and name not in NOT_PAGES
        }
    )


class References(HTMLParser):
    """Every URL a page makes the browser fetch or go to: links, scripts, styles, images, forms."""

    URL_ATTRIBUTES = {"href", "src", "action", "formaction", "poster", "data", "srcset", "hx-get", "hx-post"}

    def __init__(self):
        super().__init__()
        self.urls = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in self.URL_ATTRIBUTES and value:
                self.urls.extend(part.split()[0] for part in value.split(",") if part.strip())
            if name == "content" and value and "url=" in value.lower():
                self.urls.append(value.lower().split("url=", 1)[1])
            if name == "style" and value and "url(" in value:
                self.urls.append(value)


def foreign(urls):
    """The URLs that leave the site: an absolute URL to another host, or any scheme but our own pages'."""
    bad = []
    for url in urls:
        parts = urlsplit(url.strip())
        if parts.scheme in ("", "http", "https") and parts.netloc in ("", "testserver"):
            continue
        if parts.scheme in ("mailto", "tel", "data"):
            continue
        bad.append(url)
    return bad


def logged_in(username):
    client = Client()
    client.force_login(User.objects.get(username=username))
    # The second factor is the log-in's business; here each role only has to reach its pages.
    client_session = client.session
    session.second_factor_done(client_session)
    client_session.save()
    return client


@pytest.fixture
def clients():
    return [logged_in(username) for username in USERS] + [Client()]


def test_every_page_with_arguments_has_them_or_a_reason():
    needing = {name for name, takes in _named_routes(get_resolver().url_patterns) if takes}
    unaccounted = {name for name in needing if not name.startswith("admin:")} - NOT_PAGES - set(PAGE_ARGUMENTS)

    assert not unaccounted, f"add these pages to PAGE_ARGUMENTS or NOT_PAGES: {sorted(unaccounted)}"


@pytest.mark.parametrize("name", page_names())
def test_the_page_references_only_its_own_host(name, clients):
    arguments = PAGE_ARGUMENTS.get(name, dict)()
    url = reverse(name, kwargs=arguments)
    pages = [client.get(url) for client in clients]
    html_pages = [page for page in pages if page.status_code == 200 and page["Content-Type"].startswith("text/html")]

    assert html_pages, f"no user could open {url}: {[page.status_code for page in pages]}"
    for page in html_pages:
        parser = References()
        parser.feed(page.content.decode())
        assert parser.urls, f"{url} references nothing, so the check proves nothing"
        assert not foreign(parser.urls), f"{url} references other hosts: {foreign(parser.urls)}"
        # Django 6.1's blank choice is missing from its own zh-Hans catalogue: ours translates it.
        assert "Select an option" not in page.content.decode(), f"{url} shows Django's English blank choice"


@pytest.mark.parametrize("stylesheet", sorted(STATIC_DIR.rglob("*.css")), ids=lambda path: path.name)
def test_stylesheets_fetch_nothing_from_elsewhere(stylesheet):
    text = stylesheet.read_text(encoding="utf-8")

    assert "@import url(http" not in text
    assert "url(http" not in text
    assert "url(//" not in text


def test_foreign_catches_what_it_must():
    assert foreign(["https://cdn.example.com/x.js", "//cdn.example.com/x.css", "javascript:alert(1)"]) == [
        "https://cdn.example.com/x.js",
        "//cdn.example.com/x.css",
        "javascript:alert(1)",
    ]
    assert foreign(["/static/app.css", "?page=2", "#main", "http://testserver/projects/", "data:,"]) == []

"""403, 404 and 500 are the product's own pages, in the user's language, with the navigation; refusals log one line."""

import io
import logging

import pytest
from django.urls import reverse

from tests.security.sessions import log_in
from zoneledger.accounts.models import User
from zoneledger.projects.models import Project
from zoneledger.reports.views.dashboard import DashboardView

pytestmark = pytest.mark.django_db


def as_user(client, username, language="zh-hans"):
    client.cookies["django_language"] = language
    return log_in(client, User.objects.get(username=username))


def another_zones_project():
    return Project.objects.exclude(zone__name="文水经济开发区").first()


def test_an_out_of_scope_project_is_the_product_s_404_in_chinese_with_the_navigation(client):
    response = as_user(client, "wenshui-editor").get(
        reverse("projects:project_detail", args=[another_zones_project().pk])
    )

    assert response.status_code == 404
    page = response.content.decode()
    assert 'data-testid="error-404"' in page
    assert "页面不存在" in page
    assert reverse("projects:project_list") in page  # the navigation, to carry on from
    assert "Page not found" not in page


def test_a_page_the_role_may_not_open_is_the_product_s_403(client):
    response = as_user(client, "wenshui-viewer", "en").get(reverse("projects:project_create"))

    assert response.status_code == 403
    page = response.content.decode()
    assert 'data-testid="error-403"' in page
    assert "Nothing was changed" in page


def test_a_fault_is_the_product_s_500_page(client, monkeypatch):
    def fail(*args, **kwargs):
        raise RuntimeError("a fault on the server")

    monkeypatch.setattr(DashboardView, "get_context_data", fail)
    client.raise_request_exception = False
    response = as_user(client, "wenshui-editor").get(reverse("reports:dashboard"))

    assert response.status_code == 500
    page = response.content.decode()
    assert 'data-testid="error-500"' in page
    assert "a fault on the server" not in page


def test_a_refused_request_is_one_line_on_the_console_without_a_traceback(client):
    console = next(handler for handler in logging.getLogger().handlers if handler.get_name() == "console")
    stream = io.StringIO()
    # Not setStream: it flushes the stream it replaces, which an earlier test's captured output may have closed.
    earlier, console.stream = console.stream, stream
    try:
        as_user(client, "wenshui-editor").get(reverse("projects:project_detail", args=[another_zones_project().pk]))
        as_user(client, "wenshui-viewer").get(reverse("projects:project_create"))
    finally:
        console.stream = earlier

    logged = stream.getvalue()
    assert "Not Found" in logged
    assert "Forbidden" in logged
    assert "Traceback" not in logged

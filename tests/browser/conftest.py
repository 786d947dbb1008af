"""Browser tests: Playwright's sync API driving Debian's Chromium against pytest-django's live server.

The live server needs committed data, so these tests run on the transactional database. On SQLite's in-memory
test database it is copied back after each test from the snapshot taken when it was set up (tests/conftest.py,
`SetUpDatabase`); elsewhere Django empties it, and the demo ledger is loaded again (a minute on a busy machine).
"""

import importlib
import os

import pytest
from django.core.servers.basehttp import WSGIServer
from django.test.testcases import LiveServerThread
from playwright.sync_api import expect, sync_playwright

from zoneledger.demo.builder import DEMO_PASSWORD, build_orgs, demo_is_loaded, ensure_demo_users, load_demo
from zoneledger.milestones.models import PlanTemplate
from zoneledger.zones.services import load_divisions


class OneRequestAtATime(WSGIServer):
    """Django's development server without threads; it runs in the live server's thread, which already holds the
    test's connection (`connections_override` is for request threads, and there are none)."""

    def __init__(self, *args, connections_override=None, **kwargs):
        super().__init__(*args, **kwargs)


# The live server answers one request at a time. On SQLite's in-memory test database its request threads would all
# share the test's one connection, and a page's concurrent requests (the header's two counts load together) would
# interleave their transactions on it: a reviewer's session was lost that way. Django closes each connection after
# its answer when the server is not threaded, so the browser does not hold the one thread with a kept-alive one.
LiveServerThread.server_class = OneRequestAtATime

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 360, "height": 780}


def ensure_demo():
    """The demo ledger with its divisions, org units and users, and the plan template a migration seeds, if a flush
    left none."""
    if demo_is_loaded():
        return
    load_divisions()
    load_demo()
    build_orgs()
    ensure_demo_users()
    seeded = importlib.import_module("zoneledger.milestones.migrations.0002_copy_old_milestones_and_seed_template")
    PlanTemplate.objects.get_or_create(province_code="", name=seeded.INDUSTRIAL["name"], defaults=seeded.INDUSTRIAL)


@pytest.fixture(scope="session")
def browser():
    # Playwright's sync API keeps an event loop in this thread; Django would then refuse the test's own queries.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
    del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]


@pytest.fixture
def demo_restored(django_db_blocker):
    """Set up before the live server's database, so that its teardown runs after a flush and reloads the demo."""
    yield
    with django_db_blocker.unblock():
        ensure_demo()


@pytest.fixture
def site(demo_restored, live_server):
    """The live server's base URL, over the demo ledger."""
    ensure_demo()  # another transactional test's flush
    return live_server.url


@pytest.fixture
def page(browser, site):
    """A fresh Chinese-language browser tab at desktop size; downloads allowed.

    Whatever the test does, the browser must not have refused anything under the Content Security
    Policy, nor met a script error, nor tried to reach another host.
    """
    context = browser.new_context(locale="zh-CN", viewport=DESKTOP, accept_downloads=True, base_url=site)
    context.set_default_timeout(15_000)
    problems = []
    own_host = site.rstrip("/") + "/"

    def on_request(request):
        if not request.url.startswith((own_host, "data:", "blob:")):
            problems.append(f"request to another host: {request.url}")

    def on_response(response):
        if response.status >= 500 or (response.status == 404 and "/static/" in response.url):
            problems.append(f"{response.status} {response.url}")

    def on_console(message):
        if "Content Security Policy" in message.text:
            problems.append(message.text)

    context.on("request", on_request)
    context.on("response", on_response)
    tab = context.new_page()
    tab.on("pageerror", lambda error: problems.append(f"script error: {error}"))
    tab.on("console", on_console)
    yield tab
    context.close()
    assert not problems, problems


def log_in(page, username, password=DEMO_PASSWORD):
    """Log in through the log-in page and wait for the page it leads to."""
    page.goto("/accounts/login/")
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(password)
    page.get_by_test_id("login-submit").click()
    expect(page.get_by_test_id("logout")).to_be_attached()  # on a phone it waits in the closed menu

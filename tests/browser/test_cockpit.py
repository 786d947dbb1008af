"""The cockpit in a real Chromium, as each role meets it at a desktop's and a phone's width: what to do first, the
year's cards with their trend in words, and for a province its cities on the map with their zones as points; nothing
wider than the screen."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import DESKTOP, PHONE, log_in

pytestmark = pytest.mark.browser

# Each role and the to-do it must see first (zh-Hans), and whether its scope has cities to draw on the map.
ROLES = [
    ("wenshui-editor", "本月待填报", False),
    ("lvliang-reviewer", "待审核的月报", False),
    ("province-admin", "超期问题", True),
]


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1366", "360"])
@pytest.mark.parametrize(("username", "todo", "tiles"), ROLES, ids=[role[0] for role in ROLES])
def test_the_cockpit_per_role_and_width(browser, site, viewport, username, todo, tiles):
    context = browser.new_context(locale="zh-CN", viewport=viewport, base_url=site)
    page = context.new_page()
    log_in(page, username)

    page.goto("/?year=2025")

    todos = page.get_by_test_id("todos")
    expect(todos).to_contain_text(todo)
    cards = page.get_by_test_id("kpi-year")
    assert todos.bounding_box()["y"] < cards.bounding_box()["y"]  # what to do comes first
    expect(cards.locator("[data-trend]").first).to_contain_text("较上年同期")
    expect(page.get_by_test_id("chart-funnel")).to_have_attribute("data-drawn", "true")
    if tiles:
        tiles = page.get_by_test_id("city-tiles")
        expect(tiles.locator("li.city-tile")).to_have_count(11)
        lvliang = tiles.locator("[data-city='141100']")
        # Its zones are points inside its tile; 文水's opens the ledger of its projects.
        expect(lvliang.locator(".zone-point")).to_have_count(8)
        wenshui = lvliang.locator(".zone-point[title^='文水经济开发区']")
        tile, point = lvliang.bounding_box(), wenshui.bounding_box()
        assert tile["y"] <= point["y"]
        assert point["y"] + point["height"] <= tile["y"] + tile["height"]
        wenshui.click()
        expect(page.get_by_role("cell", name="文水经开区").first).to_be_visible()
        assert "zone=" in page.url
        page.go_back()
        lvliang.locator("> a").click()
        expect(page.locator("h1")).to_be_visible()
        assert "scope=141100" in page.url
        page.go_back()
    else:
        expect(page.get_by_test_id("city-tiles")).to_have_count(0)
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    context.close()

"""The htmx checks and the responses every page shares."""

import io

from django.test import RequestFactory

from zoneledger.core.http import XLSX_CONTENT_TYPE, hx_redirect, is_partial, partial_template, xlsx_response

factory = RequestFactory()


def test_only_an_htmx_request_that_is_not_restoring_history_is_partial():
    assert not is_partial(factory.get("/"))
    assert is_partial(factory.get("/", headers={"HX-Request": "true"}))
    assert not is_partial(factory.get("/", headers={"HX-Request": "true", "HX-History-Restore-Request": "true"}))
    assert partial_template(factory.get("/", headers={"HX-Request": "true"}), "a.html", "part") == "a.html#part"
    assert partial_template(factory.get("/"), "a.html", "part") == "a.html"


def test_hx_redirect_makes_htmx_load_a_whole_page_and_others_follow_a_302():
    htmx = hx_redirect(factory.post("/", headers={"HX-Request": "true"}), "/projects/1/")
    plain = hx_redirect(factory.post("/"), "/projects/1/")
    assert htmx["HX-Redirect"] == "/projects/1/"
    assert htmx.status_code == 204
    assert plain.status_code == 302
    assert plain["Location"] == "/projects/1/"


def test_xlsx_response_downloads_the_buffer_under_a_chinese_name():
    response = xlsx_response(io.BytesIO(b"PK"), "台账.xlsx")
    assert response.content == b"PK"
    assert response["Content-Type"] == XLSX_CONTENT_TYPE
    assert "attachment" in response["Content-Disposition"]
    assert "%E5%8F%B0%E8%B4%A6.xlsx" in response["Content-Disposition"]

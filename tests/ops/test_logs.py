"""JSON logs: one object a line, with the request id the audit records and the response's X-Request-ID carries."""

import json
import logging

import pytest

from zoneledger.audit.context import RequestContext, current_request
from zoneledger.ops.logs import JsonFormatter


def record(message="hello %s", args=("world",), **extra):
    entry = logging.LogRecord("zoneledger.test", logging.WARNING, __file__, 1, message, args, None)
    for name, value in extra.items():
        setattr(entry, name, value)
    return entry


def test_a_line_is_one_json_object():
    line = JsonFormatter().format(record())

    entry = json.loads(line)
    assert "\n" not in line
    assert entry["message"] == "hello world"
    assert entry["level"] == "WARNING"
    assert entry["logger"] == "zoneledger.test"
    assert entry["time"].endswith("+00:00")
    assert "request_id" not in entry


def test_a_line_inside_a_request_carries_its_id():
    token = current_request.set(RequestContext(source_address="10.0.0.1", request_id="rid-123"))
    try:
        entry = json.loads(JsonFormatter().format(record(message="中文 %s", args=("消息",))))
    finally:
        current_request.reset(token)

    assert entry["request_id"] == "rid-123"
    assert entry["message"] == "中文 消息"
    assert "10.0.0.1" not in json.dumps(entry)  # the address stays in the audit trail


def test_extra_fields_and_the_traceback_are_kept():
    try:
        raise ValueError("boom")
    except ValueError:
        import sys

        entry = record(status_code=500, duration_ms=12.5, request=object())
        entry.exc_info = sys.exc_info()

    result = json.loads(JsonFormatter().format(entry))

    assert result["status_code"] == 500
    assert result["duration_ms"] == 12.5
    assert "request" not in result
    assert "ValueError: boom" in result["exception"]


@pytest.mark.django_db
def test_the_access_log_line_has_the_request_id_of_the_response(client, caplog):
    with caplog.at_level(logging.INFO, logger="zoneledger.requests"):
        response = client.get("/accounts/login/")

    [line] = [entry for entry in caplog.records if entry.name == "zoneledger.requests"]
    assert line.request_id == response["X-Request-ID"]
    assert line.view == "accounts:login"
    assert json.loads(JsonFormatter().format(line))["request_id"] == response["X-Request-ID"]

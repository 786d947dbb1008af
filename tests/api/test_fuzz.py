"""schemathesis against the API over real HTTP: cases generated from the live OpenAPI document, sent through a
socket with a zone editor's and a province reviewer's tokens; no answer may be a server error, break the document,
or refuse without a problem document.

The server is Django's own WSGI server in a thread of this test, on the test's database connection: it sees the
demo ledger and the tokens without a commit, and whatever it writes is rolled back with the test (a live server on
the transactional database would empty the database after the test). It serves one request at a time, as the
connection can only be used by one thread at a time.

One check of schemathesis's is left out: `positive_data_acceptance`, as a filter naming an id that is not there (a
round, a chain) is refused with 422 and the field, as the page's filter form refuses it, though the document cannot
say which ids exist.

Stateful too: scenarios of up to STEPS calls, each following the document's links (`zoneledger.api.LINKS`) from an
answer to the next call with the ids it gave, so calls reach objects that exist (a report from the queue approved,
a milestone from the list completed); each scenario's writes are rolled back before the next.

Bounded by EXAMPLES per operation and per token, SCENARIOS scenarios a token (about 20 s a token in all here);
more for a deeper run: ZONELEDGER_FUZZ_EXAMPLES=200 ./run test -n 0 tests/api/test_fuzz.py
"""

import os
import threading
from wsgiref.simple_server import WSGIRequestHandler

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.servers.basehttp import WSGIServer
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, connections, transaction
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.specs.openapi.checks import positive_data_acceptance

from zoneledger.accounts.models import User
from zoneledger.accounts.tokens import token_create

pytestmark = pytest.mark.django_db

EXAMPLES = int(os.environ.get("ZONELEDGER_FUZZ_EXAMPLES", "5"))
SCENARIOS, STEPS = EXAMPLES * 3, 6
STARTS = {"GET /api/v1/projects/", "GET /api/v1/problems/", "GET /api/v1/milestones/", "GET /api/v1/progress/reviews"}
PAGING = {"page", "page_size"}
PROBLEM = "application/problem+json"


class QuietHandler(WSGIRequestHandler):
    def log_message(self, format, *args):
        pass


@pytest.fixture
def server():
    """http://127.0.0.1:PORT: the product on a socket, on this test's database connection."""
    connection = connections["default"]
    connection.inc_thread_sharing()
    # A request's start and end close "old" connections; here that would be the test's own, mid-transaction (a no-op
    # on SQLite's in-memory database, the end of the test's transaction on PostgreSQL).
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    httpd = WSGIServer(("127.0.0.1", 0), QuietHandler, allow_reuse_address=False)
    httpd.set_app(WSGIHandler())

    def serve():
        connections["default"] = connection
        httpd.serve_forever(poll_interval=0.05)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_port}"
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join()
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
        connection.dec_thread_sharing()


def bearer(username):
    user = User.objects.get(username=username)
    _token, secret = token_create(actor=user, user=user, name="fuzz")
    return {"Authorization": f"Bearer {secret}"}


def operations(schema, *, reads):
    for result in schema.get_all_operations():
        operation = result.ok()
        if (operation.method.upper() == "GET") == reads:
            yield operation


@pytest.fixture
def unlimited(settings):
    settings.ZONELEDGER_API_RATE_PER_MINUTE = 0  # the fuzzer sends faster than any client may
    settings.ZONELEDGER_API_TOKEN_FAILURES = 10**6  # and tries requests without the token, or with a wrong one


@pytest.mark.parametrize("username", ["wenshui-editor", "province-reviewer"])
def test_the_reads_answer_every_generated_request_within_the_document(server, unlimited, username):
    headers = bearer(username)
    schema = schemathesis.openapi.from_url(f"{server}/api/v1/openapi.json")
    reads = list(operations(schema, reads=True))
    assert len(reads) > 15

    for operation in reads:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            fuzz(operation, mode, server, headers, EXAMPLES)


def test_the_writes_answer_every_generated_request_within_the_document(server, unlimited):
    """A zone editor's writes, fewer examples each: most are refused at once (ids that are not there)."""
    headers = bearer("wenshui-editor")
    schema = schemathesis.openapi.from_url(f"{server}/api/v1/openapi.json")
    writes = list(operations(schema, reads=False))
    assert len(writes) >= 12

    for operation in writes:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            fuzz(operation, mode, server, headers, max(2, EXAMPLES // 2))


@pytest.mark.parametrize("username", ["wenshui-editor", "province-reviewer"])
def test_calls_chained_along_the_links_answer_within_the_document(server, unlimited, username):
    """Stateful: each scenario starts from a call and follows the document's links with what the answers gave (a
    project created, then read, changed, its stage recorded and voided; a month submitted, then approved or
    returned; a problem raised, then acted on), so calls reach real objects instead of ids that are not there."""
    headers = bearer(username)
    schema = schemathesis.openapi.from_url(f"{server}/api/v1/openapi.json")
    answered = []

    class Scenarios(schema.as_state_machine()):
        # Each scenario starts from the same ledger: what one wrote (a report approved) would change which calls the
        # next can chain, and Hypothesis replays scenarios expecting the same choices.
        def setup(self):
            self.savepoint = transaction.savepoint_create()

        def teardown(self):
            transaction.savepoint_rollback(self.savepoint)

        def before_call(self, case):
            # A list that starts a chain names no filters: generated ones name ids and choices that are not there,
            # and a refused list leads nowhere (positive cases only: a negative one must stay refused).
            if case.operation.label in STARTS and case.meta.generation.mode == GenerationMode.POSITIVE:
                case.query = {name: value for name, value in (case.query or {}).items() if name in PAGING}

        def get_call_kwargs(self, case):
            return {"base_url": server, "headers": headers}

        def validate_response(self, response, case, additional_checks=None, **kwargs):
            answered.append((case.operation.label, response.status_code))
            check(case, response, headers)

    Scenarios.run(
        settings=settings(
            max_examples=SCENARIOS,
            stateful_step_count=STEPS,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
    )
    reached = {label for label, status in answered if status < 300 and "{" in label}
    assert reached, "no chain of calls reached an object along the links"


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/problems/?as_of=9999-12-31",
        "/api/v1/problems/?project=99999999999999999999",
        "/api/v1/milestones/?as_of=9999-12-31",
        "/api/v1/warnings/overdue-milestones?as_of=9999-12-31",
        "/api/v1/warnings/behind-plan?zone=99999999999999999999",
    ],
)
def test_a_day_or_an_id_out_of_range_is_422_not_a_500(session_client, url):
    """Edges a bounded fuzzing run may miss, found by a longer one: date arithmetic past year 9999, an id no database
    column holds."""
    response = session_client("province-viewer").get(url)

    assert response.status_code == 422, response.content
    assert response["Content-Type"] == PROBLEM


def fuzz(operation, mode, server, headers, examples):
    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=examples,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def run(case):
        check(case, case.call(base_url=server, headers=headers), headers)

    run()


def check(case, response, headers):
    """No server error, an answer the document allows, and every refusal a problem document."""
    assert response.status_code < 500, (case.as_curl_command(headers), response.text[:500])
    case.validate_response(response, headers=headers, excluded_checks=[positive_data_acceptance])
    if response.status_code >= 400:
        assert response.headers["content-type"] == [PROBLEM], case.as_curl_command(headers)
        document = response.json()
        assert document["status"] == response.status_code
        assert document["detail"]

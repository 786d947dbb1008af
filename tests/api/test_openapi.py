"""The API's description: OpenAPI 3 as committed (a change to the API shows in review as a change of the snapshot),
and its docs page working offline, every file it loads served by the app itself.

After changing the API on purpose, write the snapshot again and commit it with the change:

    ./run export_openapi_schema --api zoneledger.api.api --indent 1 --sorted --output tests/api/openapi.json
"""

import json
import re
from pathlib import Path

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

SNAPSHOT = Path(__file__).with_name("openapi.json")
REGENERATE = "./run export_openapi_schema --api zoneledger.api.api --indent 1 --sorted --output tests/api/openapi.json"


def test_the_schema_is_the_committed_snapshot():
    served = Client().get("/api/v1/openapi.json")

    assert served.status_code == 200
    assert served.json() == json.loads(SNAPSHOT.read_text(encoding="utf-8")), (
        f"The API's OpenAPI document changed. If that is meant, write the snapshot again and commit it: {REGENERATE}"
    )


def test_every_operation_answers_its_refusals_as_problem_documents():
    schema = json.loads(SNAPSHOT.read_text(encoding="utf-8"))
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            refusals = {code for code in operation["responses"] if code.startswith("4")}
            assert {"401", "403", "404", "422", "429"} <= refusals, (method, path)
            if method != "get":
                assert {"400", "409", "413"} <= refusals, (method, path)
                assert any(parameter["name"] == "Idempotency-Key" for parameter in operation.get("parameters", [])), (
                    f"{method.upper()} {path} does not say it takes an Idempotency-Key"
                )


def test_the_docs_page_loads_only_the_apps_own_files():
    client = Client()
    page = client.get("/api/v1/docs")

    assert page.status_code == 200
    html = page.content.decode()
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert any(asset.endswith("swagger-ui-bundle.js") for asset in assets)
    for asset in assets:
        assert asset.startswith("/static/"), asset  # no CDN, no other host
        response = client.get(asset)
        assert response.status_code == 200, asset
        response.close()

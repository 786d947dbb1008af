"""What the API's tests share (with the monthly reports' API tests): problem documents, CSRF headers, what a refused
write must leave, and the demo's projects they act on. Their browser-like client is the `session_client` fixture
(tests/conftest.py)."""

from django.db.models import Sum

from zoneledger.audit.models import AuditRecord
from zoneledger.projects.models import Project, StageEvent

PROBLEM = "application/problem+json"


def ledger_state():
    """Everything a refused write must leave as it was."""
    return {
        "projects": Project.objects.count(),
        "versions": Project.objects.aggregate(total=Sum("version"))["total"],
        "facts": sorted(Project.objects.values_list("pk", "name", "total_investment", "zone_id", "stage")),
        "events": StageEvent.objects.count(),
        "voided": StageEvent.objects.filter(voided=True).count(),
        "changes": AuditRecord.objects.filter(success=True, action__regex=r"^(project|stage|enterprise)\.").count(),
    }


def assert_problem(response, status):
    """The response is an RFC 9457 problem document of `status`; returns it."""
    assert response.status_code == status, response.content
    assert response["Content-Type"] == PROBLEM
    document = response.json()
    assert document["status"] == status
    assert document["type"] == "about:blank"
    assert document["title"]
    assert document["detail"]
    return document


def csrf(client):
    return {"HTTP_X_CSRFTOKEN": client.cookies["csrftoken"].value}


def wenshui_project():
    return Project.objects.filter(zone__name="文水经济开发区", events__voided=False).order_by("pk").first()


def xiaoyi_project():
    return Project.objects.filter(zone__name="孝义经济开发区").order_by("pk").first()

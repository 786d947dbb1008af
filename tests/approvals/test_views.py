"""The approval pages: the list and the unmatched list, adding an item (bad data changes nothing), matching, and
the project page's checklist."""

from decimal import Decimal

import pytest
from django.urls import reverse

from zoneledger.approvals.models import ApprovalItem
from zoneledger.projects import services as project_services
from zoneledger.zones.models import Zone

pytestmark = pytest.mark.django_db


def ours():
    """The items these tests write: the demo's are 祁县's (codes of 140727)."""
    return ApprovalItem.objects.exclude(project_code__contains="-140727-")


CODE = "2025-141121-30-03-00077B"


@pytest.fixture
def editor_client(client, wenshui_editor):
    client.force_login(wenshui_editor)
    return client


@pytest.mark.parametrize(
    "form",
    [
        {"project_code": "not a code", "matter": "filing", "state": "in_progress"},
        {"project_code": CODE, "matter": "nonsense", "state": "in_progress"},
        {"project_code": CODE, "matter": "filing", "state": "done"},
        {"project_code": CODE, "matter": "filing", "state": "commitment"},
        {"project_code": CODE, "matter": "filing", "state": "done", "decided_on": "yesterday"},
    ],
)
def test_bad_data_changes_nothing(editor_client, form):
    response = editor_client.post(reverse("approvals:approval_create"), form)

    assert response.status_code == 200
    assert not ours().exists()


def test_an_item_added_waits_unmatched_then_the_match_links_it(editor_client, wenshui_editor):
    response = editor_client.post(
        reverse("approvals:approval_create"), {"project_code": CODE, "matter": "environment", "state": "in_progress"}
    )
    assert response.status_code == 302
    unmatched = editor_client.get(reverse("approvals:approval_list"), {"unmatched": "1"})
    assert CODE in unmatched.content.decode()

    project = project_services.project_create(
        actor=wenshui_editor,
        zone=Zone.objects.get(name="文水经济开发区"),
        name="审批页面测试",
        total_investment=Decimal(1),
        code=CODE,
    )
    assert editor_client.post(reverse("approvals:approvals_match")).status_code == 302
    assert ours().get().project == project
    page = editor_client.get(reverse("projects:project_detail", args=[project.pk])).content.decode()
    assert 'data-testid="approval-environment"' in page
    assert "在办" in page or "In progress" in page


def test_an_unmatched_item_offers_to_add_its_project_with_the_code_filled_in(editor_client):
    editor_client.post(
        reverse("approvals:approval_create"), {"project_code": CODE, "matter": "filing", "state": "in_progress"}
    )
    unmatched = editor_client.get(reverse("approvals:approval_list"), {"unmatched": "1"}).content.decode()
    link = f"{reverse('projects:project_create')}?code={CODE}"
    assert link in unmatched

    form = editor_client.get(link).content.decode()

    assert f'value="{CODE}"' in form


def test_the_list_keeps_one_state_and_year_and_ignores_a_bad_one(editor_client):
    editor_client.post(
        reverse("approvals:approval_create"),
        {"project_code": CODE, "matter": "filing", "state": "done", "decided_on": "2024-05-06"},
    )

    def codes(**query):
        page = editor_client.get(reverse("approvals:approval_list"), query)
        return [item.project_code for item in page.context["page"]]

    assert CODE in codes(state="done", year="2024")
    assert CODE not in codes(state="done", year="2023")
    assert CODE not in codes(state="in_progress")
    assert CODE in codes(state="flying", year="twenty")  # a bad filter is ignored

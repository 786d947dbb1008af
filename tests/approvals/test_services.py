"""Approval items: keyed by the national project code, checked field by field, waiting unmatched until their
project appears, idempotent, and a 承诺制 item's papers becoming a milestone."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from zoneledger.approvals import selectors, services
from zoneledger.approvals.choices import ApprovalState, Matter
from zoneledger.approvals.models import ApprovalItem
from zoneledger.audit.models import AuditRecord
from zoneledger.projects import services as project_services
from zoneledger.zones.models import Zone

pytestmark = pytest.mark.django_db


def ours():
    """The items these tests write: the demo's are 祁县's (codes of 140727)."""
    return ApprovalItem.objects.exclude(project_code__contains="-140727-")


CODE = "2025-141121-30-03-00042A"


@pytest.fixture
def wenshui():
    return Zone.objects.get(name="文水经济开发区")


def save(actor, **facts):
    data = {"project_code": CODE, "matter": Matter.FILING, "state": ApprovalState.IN_PROGRESS} | facts
    return services.approval_save(actor=actor, **data)


@pytest.mark.parametrize(
    ("facts", "field"),
    [
        ({"project_code": "2025-141121-30-03"}, "project_code"),
        ({"matter": "立项审批"}, "matter"),
        ({"state": "办理中"}, "state"),
        ({"state": ApprovalState.DONE}, "decided_on"),
        ({"state": ApprovalState.COMMITMENT}, "papers_due_on"),
        ({"state": ApprovalState.DONE, "decided_on": date(2999, 1, 1)}, "decided_on"),
    ],
)
def test_each_bad_field_is_named_and_nothing_is_written(wenshui_editor, facts, field):
    with pytest.raises(ValidationError) as refused:
        save(wenshui_editor, **facts)

    assert field in refused.value.message_dict
    assert not ours().exists()


def test_an_item_before_its_project_waits_unmatched_and_is_matched_when_the_code_is_set(wenshui_editor, wenshui):
    item, changed = save(wenshui_editor)
    assert changed
    assert item.project is None
    assert item.zone == wenshui
    assert list(selectors.approval_list(user=wenshui_editor, unmatched=True)) == [item]

    project = project_services.project_create(
        actor=wenshui_editor, zone=wenshui, name="审批匹配测试", total_investment=Decimal(100), code=CODE
    )
    # The checklist shows it at once; the match links it for good.
    checklist = {
        matter: item for matter, _label, item in selectors.project_approvals(user=wenshui_editor, project=project)
    }
    assert checklist[Matter.FILING] == item
    item.refresh_from_db()
    assert item.project == project  # linked as the project was created with the code


def test_an_item_for_an_existing_project_is_matched_on_save(wenshui_editor, wenshui):
    project = project_services.project_create(
        actor=wenshui_editor, zone=wenshui, name="审批已有项目", total_investment=Decimal(100), code=CODE
    )

    item, _changed = save(
        wenshui_editor, state=ApprovalState.DONE, decided_on=date(2025, 3, 1), document_number="文发改备〔2025〕12号"
    )

    assert item.project == project


def test_saving_the_same_item_twice_changes_nothing(wenshui_editor):
    save(wenshui_editor, authority="文水县行政审批服务管理局")
    records = AuditRecord.objects.count()

    _item, changed = save(wenshui_editor, authority="文水县行政审批服务管理局")

    assert not changed
    assert AuditRecord.objects.count() == records
    assert ours().count() == 1


def test_a_commitment_item_of_a_project_carries_a_milestone_for_its_papers(wenshui_editor, wenshui):
    project = project_services.project_create(
        actor=wenshui_editor, zone=wenshui, name="承诺制测试项目", total_investment=Decimal(100), code=CODE
    )

    item, _ = save(
        wenshui_editor, matter=Matter.CONSTRUCTION, state=ApprovalState.COMMITMENT, papers_due_on=date(2025, 9, 30)
    )
    assert item.milestone.planned_on == date(2025, 9, 30)
    assert item.milestone.project == project

    save(wenshui_editor, matter=Matter.CONSTRUCTION, state=ApprovalState.COMMITMENT, papers_due_on=date(2025, 10, 31))
    item.refresh_from_db()
    assert item.milestone.planned_on == date(2025, 10, 31)
    assert item.milestone.moves.count() == 1

    save(wenshui_editor, matter=Matter.CONSTRUCTION, state=ApprovalState.DONE, decided_on=date(2025, 10, 20))
    item.milestone.refresh_from_db()
    assert item.milestone.done_on == date(2025, 10, 20)


def test_another_zones_item_is_not_theirs_to_change(wenshui_editor, xiaoyi_editor):
    save(wenshui_editor)

    with pytest.raises(PermissionDenied):
        save(xiaoyi_editor, state=ApprovalState.NOT_STARTED)
    assert ours().get().state == ApprovalState.IN_PROGRESS
    assert not selectors.approval_list(user=xiaoyi_editor).exists()


def test_a_viewer_may_not_save(client):
    from zoneledger.accounts.models import User

    with pytest.raises(PermissionDenied):
        save(User.objects.get(username="wenshui-viewer"))
    assert not ours().exists()


def test_a_code_located_in_another_province_is_refused(wenshui_editor):
    with pytest.raises(ValidationError) as refused:
        save(wenshui_editor, project_code="2025-130100-30-03-00001A")

    assert "project_code" in refused.value.message_dict
    assert not ours().exists()

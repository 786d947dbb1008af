"""The ledger's reads: every one takes the user and starts from their scope; out of scope is NotFound."""

import pytest

from zoneledger.accounts.models import User
from zoneledger.core.errors import NotFound
from zoneledger.projects import selectors
from zoneledger.projects.models import Project
from zoneledger.zones.models import Zone

pytestmark = pytest.mark.django_db


@pytest.fixture
def wenshui_viewer():
    return User.objects.get(username="wenshui-viewer")


def elsewhere():
    return Project.objects.exclude(zone__name="文水经济开发区").filter(events__voided=False).first()


def test_a_project_out_of_scope_is_not_found_like_a_missing_one(wenshui_viewer):
    with pytest.raises(NotFound):
        selectors.project_get(user=wenshui_viewer, pk=elsewhere().pk)
    with pytest.raises(NotFound):
        selectors.project_get(user=wenshui_viewer, pk=10**9)


def test_the_list_is_the_user_s_scope_filtered_by_the_query(wenshui_viewer):
    projects = selectors.project_list(user=wenshui_viewer, filters={"stage": "signed"})

    assert projects.exists()
    assert {project.zone.name for project in projects} == {"文水经济开发区"}
    assert {project.stage for project in projects} == {"signed"}


def test_the_filter_offers_and_accepts_only_the_user_s_zones(wenshui_viewer):
    other = Zone.objects.exclude(name="文水经济开发区").first()
    ledger = selectors.project_filter(user=wenshui_viewer, data={"zone": other.pk})

    assert [zone.name for zone in ledger.form.fields["zone"].queryset] == ["文水经济开发区"]
    assert "zone" in ledger.form.errors


def test_events_and_history_are_read_through_the_project(wenshui_viewer):
    project = Project.objects.filter(zone__name="文水经济开发区", events__voided=False).first()
    project = selectors.project_get(user=wenshui_viewer, pk=project.pk)
    events = list(selectors.project_events(user=wenshui_viewer, project=project))

    assert events
    assert selectors.project_event_get(user=wenshui_viewer, project=project, pk=events[0].pk) == events[0]
    with pytest.raises(NotFound):
        selectors.project_event_get(user=wenshui_viewer, project=project, pk=elsewhere().events.first().pk)
    assert isinstance(selectors.project_history(user=wenshui_viewer, project=project), list)


def test_the_approvals_filter_keeps_projects_with_an_item_not_yet_done(wenshui_viewer):
    from datetime import date

    from zoneledger.approvals.services import approval_save

    editor = User.objects.get(username="wenshui-editor")
    pending, done, bare = Project.objects.filter(zone__name="文水经济开发区", code__isnull=True)[:3]
    for project, serial in ((pending, "00301A"), (done, "00302B"), (bare, "")):
        if serial:
            project.code = f"2024-141121-30-03-{serial}"
            project.save(update_fields=["code"])
    approval_save(actor=editor, project_code=pending.code, matter="filing", state="done", decided_on=date(2024, 5, 6))
    approval_save(actor=editor, project_code=pending.code, matter="environment", state="in_progress")
    approval_save(actor=editor, project_code=done.code, matter="filing", state="done", decided_on=date(2024, 5, 6))

    listed = set(selectors.project_list(user=wenshui_viewer, filters={"approvals": "pending"}))

    assert pending in listed
    assert done not in listed
    assert bare not in listed
    assert "approvals" in selectors.project_filter(user=wenshui_viewer, data={"approvals": "bad"}).form.errors

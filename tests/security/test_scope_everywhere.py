"""Data scope beyond page views: drop-downs offer only the user's zones, and no write can leave the scope."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from tests.security.sessions import log_in
from zoneledger.accounts.models import User
from zoneledger.audit.models import AuditRecord
from zoneledger.projects.forms import ProjectForm
from zoneledger.projects.models import Project
from zoneledger.projects.selectors import project_filter
from zoneledger.projects.services import project_update
from zoneledger.zones.models import Zone

pytestmark = pytest.mark.django_db
LVLIANG = "141100"


def user(username):
    return User.objects.get(username=username)


def test_the_project_form_offers_only_the_zones_the_user_may_write():
    zones = set(ProjectForm(user=user("lvliang-editor")).fields["zone"].queryset)
    assert zones == set(Zone.objects.filter(city_id=LVLIANG))
    assert set(ProjectForm(user=user("wenshui-editor")).fields["zone"].queryset) == {
        Zone.objects.get(name="文水经济开发区")
    }
    assert not ProjectForm(user=user("wenshui-viewer")).fields["zone"].queryset.exists()


@pytest.mark.parametrize("username", ["sysadmin", "secadmin"])
def test_administrators_are_offered_no_zone_at_all(username):
    ledger_filter = project_filter(user=user(username), data={})
    assert not ledger_filter.form.fields["zone"].queryset.exists()
    assert not ProjectForm(user=user(username)).fields["zone"].queryset.exists()


def test_the_ledger_filter_offers_only_the_city_zones():
    ledger_filter = project_filter(user=user("lvliang-viewer"), data={})
    assert set(ledger_filter.form.fields["zone"].queryset) == set(Zone.objects.filter(city_id=LVLIANG))


def test_a_city_editor_cannot_move_a_project_out_of_the_city():
    editor = user("lvliang-editor")
    project = Project.objects.filter(zone__name="文水经济开发区").first()
    elsewhere = Zone.objects.exclude(city_id=LVLIANG).first()
    changes = AuditRecord.objects.count()
    with pytest.raises(PermissionDenied):
        project_update(actor=editor, project=project, expected_version=project.version, zone=elsewhere)
    project.refresh_from_db()
    assert project.zone.name == "文水经济开发区"
    assert AuditRecord.objects.count() == changes


def test_posting_a_zone_out_of_scope_to_the_form_is_refused_by_name(client):
    log_in(client, user("wenshui-editor"))
    elsewhere = Zone.objects.exclude(city_id=LVLIANG).first()
    count = Project.objects.count()
    response = client.post(
        reverse("projects:project_create"), {"zone": elsewhere.pk, "name": "越界项目", "total_investment": "100"}
    )
    assert response.status_code == 200
    assert response.context["form"].has_error("zone")
    assert Project.objects.count() == count

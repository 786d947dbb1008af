"""The Django admin: reference data for staff only, and every change made there audited."""

import pytest
from django.urls import reverse

from zoneledger.accounts import session
from zoneledger.accounts.models import User
from zoneledger.audit.models import AuditRecord
from zoneledger.chains.models import Chain
from zoneledger.enterprises.models import Enterprise

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client):
    user = User.objects.create_superuser(username="admin-test", password="Pass-1234x-Admin")
    client.force_login(user)
    # The second factor is the log-in page's business; these tests are about the admin.
    client_session = client.session
    session.second_factor_done(client_session)
    client_session.save()
    return client


@pytest.mark.parametrize("username", ["wenshui-editor", "province-admin"])
def test_business_users_are_kept_out_of_the_admin(client, username):
    client.force_login(User.objects.get(username=username))

    response = client.get(reverse("admin:zones_zone_changelist"))

    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]


@pytest.mark.parametrize(
    "model", ["zones_zone", "zones_division", "chains_chain", "campaigns_round", "enterprises_enterprise"]
)
def test_staff_see_each_kind_of_reference_data(staff_client, model):
    response = staff_client.get(reverse(f"admin:{model}_changelist"))

    assert response.status_code == 200


def test_rounds_and_divisions_are_read_only_in_the_admin(staff_client):
    assert staff_client.get(reverse("admin:campaigns_round_add")).status_code == 403
    assert staff_client.get(reverse("admin:zones_division_add")).status_code == 403


def test_a_change_in_the_admin_is_audited(staff_client):
    enterprise = Enterprise.objects.create(name="管理后台测试企业")

    response = staff_client.post(
        reverse("admin:enterprises_enterprise_change", args=[enterprise.pk]),
        {"name": "管理后台改名企业", "uscc": "", "division": ""},
    )

    assert response.status_code == 302
    record = AuditRecord.objects.get(action="admin.change", object_id=str(enterprise.pk))
    assert (record.before, record.after) == ({"name": "管理后台测试企业"}, {"name": "管理后台改名企业"})


def test_a_bad_code_in_the_admin_is_refused_and_writes_nothing(staff_client):
    enterprise = Enterprise.objects.create(name="管理后台测试企业")

    response = staff_client.post(
        reverse("admin:enterprises_enterprise_change", args=[enterprise.pk]),
        {"name": "管理后台测试企业", "uscc": "911400001234567890", "division": ""},
    )

    assert "uscc" in response.context["adminform"].form.errors
    enterprise.refresh_from_db()
    assert enterprise.uscc is None
    assert not AuditRecord.objects.filter(action="admin.change", object_id=str(enterprise.pk)).exists()


def test_a_chain_link_added_inline_is_audited(staff_client):
    chain = Chain.objects.create(province_id="140000", name="管理后台测试产业链")
    management = {
        "links-TOTAL_FORMS": "1",
        "links-INITIAL_FORMS": "0",
        "links-MIN_NUM_FORMS": "0",
        "links-MAX_NUM_FORMS": "1000",
    }
    link = {"links-0-position": "1", "links-0-name": "上游原料", "links-0-chain": chain.pk}

    response = staff_client.post(
        reverse("admin:chains_chain_change", args=[chain.pk]),
        {"province": "140000", "name": chain.name, "leader": "", "description": "", **management, **link},
    )

    assert response.status_code == 302
    added = chain.links.get()
    assert AuditRecord.objects.filter(
        action="admin.add", object_type="chains.chainlink", object_id=str(added.pk)
    ).exists()

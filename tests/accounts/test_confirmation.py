"""三员分立 for new accounts: a generated initial password for the owner alone, valid a day; an account made or a
role raised by the system administrator waits for a business administrator of its scope."""

import io
from datetime import timedelta

import pytest
from django.core.exceptions import NON_FIELD_ERRORS
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from tests.security.sessions import log_in as signed_in
from zoneledger.accounts import services
from zoneledger.accounts.choices import Role
from zoneledger.accounts.models import OrgUnit, User
from zoneledger.audit.models import AuditRecord
from zoneledger.zones.models import Zone

pytestmark = pytest.mark.django_db


@pytest.fixture
def sysadmin(make_user):
    return make_user("province", Role.SYSADMIN)


@pytest.fixture
def new_account(sysadmin):
    """A 文水 editor just made by the system administrator, and its initial password."""
    user = services.user_create(
        actor=sysadmin,
        username="new-person",
        org=OrgUnit.objects.get(name="文水经济开发区管委会"),
        role=Role.EDITOR,
        display_name="新同事",
    )
    return user, user.initial_password


def log_in(client, username, password):
    return client.post(reverse("accounts:login"), {"username": username, "password": password})


def test_an_unconfirmed_account_cannot_log_in_and_gets_the_answer_of_a_wrong_password(client, new_account):
    user, password = new_account

    response = log_in(client, user.username, password)

    assert response.status_code == 200
    assert response.context["form"].has_error(NON_FIELD_ERRORS, "invalid_login")
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize("confirmer", ["wenshui-admin", "lvliang-admin", "province-admin"])
def test_a_business_administrator_of_its_scope_confirms_it_and_the_owner_then_chooses_a_password(
    client, new_account, confirmer
):
    user, password = new_account
    admin = signed_in(type(client)(), User.objects.get(username=confirmer))
    assert admin.post(reverse("accounts:user_confirm", args=[user.pk])).status_code == 302

    response = log_in(client, user.username, password)

    assert response.status_code == 302
    assert client.get("/")["Location"].startswith(reverse("accounts:password_change"))
    services.password_change(user=User.objects.get(pk=user.pk), password="Mine-and-only-9")
    assert User.objects.get(pk=user.pk).initial_password_expires_at is None


@pytest.mark.parametrize("outsider", ["xiaoyi-editor", "sysadmin", "auditor"])
def test_nobody_else_confirms_and_nothing_changes(client, new_account, outsider, make_user):
    user, _password = new_account
    other = User.objects.get(username=outsider) if outsider != "sysadmin" else make_user("province", Role.SYSADMIN)
    response = signed_in(client, other).post(reverse("accounts:user_confirm", args=[user.pk]))

    assert response.status_code in (403, 404)
    assert not User.objects.get(pk=user.pk).confirmed
    assert not AuditRecord.objects.filter(action="user.confirm").exists()


def test_another_zone_s_business_administrator_does_not_see_it_and_gets_404(client, new_account, make_user):
    user, _password = new_account
    xiaoyi_admin = make_user(Zone.objects.get(name="孝义经济开发区"), Role.ADMIN)
    signed_in(client, xiaoyi_admin)

    assert user.username not in client.get(reverse("accounts:confirmations")).content.decode()
    assert client.post(reverse("accounts:user_confirm", args=[user.pk])).status_code == 404
    assert not User.objects.get(pk=user.pk).confirmed


def test_an_initial_password_older_than_a_day_opens_nothing(client, new_account):
    user, password = new_account
    services.user_confirm(actor=User.objects.get(username="wenshui-admin"), user=user)
    User.objects.filter(pk=user.pk).update(initial_password_expires_at=timezone.now() - timedelta(minutes=1))

    response = log_in(client, user.username, password)

    assert response.context["form"].has_error(NON_FIELD_ERRORS, "invalid_login")
    assert "_auth_user_id" not in client.session


def test_the_operator_s_command_line_account_is_confirmed_with_the_password_typed(monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO("Strong-pass-9\n"))
    call_command("adduser", "zhang.san", "--org", "文水经济开发区", "--role", "editor", stdout=io.StringIO())

    user = User.objects.get(username="zhang.san")
    assert user.confirmed
    assert user.initial_password_expires_at is None
    assert user.check_password("Strong-pass-9")

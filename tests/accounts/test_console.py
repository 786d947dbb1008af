"""The administrators' pages: 三员分立 — each administrator does their own job, nobody grants themself more."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.security.sessions import log_in
from zoneledger.accounts.choices import Role
from zoneledger.accounts.models import LoginSession, OrgUnit, User
from zoneledger.audit.models import AuditRecord

pytestmark = pytest.mark.django_db
USERS = reverse("accounts:user_list")
NEW_USER = reverse("accounts:user_create")
SECURITY = reverse("accounts:security")


@pytest.fixture
def sysadmin(make_user):
    return make_user("province", Role.SYSADMIN)


@pytest.fixture
def secadmin(make_user):
    return make_user("province", Role.SECADMIN)


@pytest.fixture
def wenshui_org():
    return OrgUnit.objects.get(name="文水经济开发区管委会")


def new_user_form(org_unit, **changes):
    form = {
        "username": "new-person",
        "display_name": "新同事",
        "org": org_unit.pk,
        "role": Role.EDITOR,
    }
    return {**form, **changes}


def test_the_system_administrator_creates_a_business_account_with_a_generated_password_shown_once(
    client, sysadmin, wenshui_org
):
    log_in(client, sysadmin)
    response = client.post(NEW_USER, new_user_form(wenshui_org, password="Chosen-by-me-1"))
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    password = response.context["password"]
    user = User.objects.get(username="new-person")
    assert (user.org, user.role, user.must_change_password) == (wenshui_org, Role.EDITOR, True)
    assert user.check_password(password)
    assert not user.check_password("Chosen-by-me-1")  # the system administrator chooses no password
    assert not user.confirmed  # it waits for 文水's business administrator
    assert timedelta(hours=23) < user.initial_password_expires_at - timezone.now() <= timedelta(hours=24)
    assert password not in client.get(reverse("accounts:user_edit", args=[user.pk])).content.decode()
    entry = AuditRecord.objects.get(action="user.create", object_id=str(user.pk))
    assert entry.actor == sysadmin
    assert entry.after == {"username": "new-person", "org": "文水经济开发区管委会", "role": "editor"}
    assert password not in str(entry.after)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"username": "wenshui-editor"}, "username"),
        ({"role": Role.AUDITOR}, "role"),
        ({"role": Role.SYSADMIN}, "role"),
        ({"org": ""}, "org"),
        ({"display_name": ""}, "display_name"),
    ],
)
def test_bad_account_input_names_the_field_and_creates_nothing(client, sysadmin, wenshui_org, changes, field):
    log_in(client, sysadmin)
    count = User.objects.count()
    response = client.post(NEW_USER, new_user_form(wenshui_org, **changes))
    assert response.status_code == 200
    assert response.context["form"].has_error(field)
    assert User.objects.count() == count


def test_a_raised_role_waits_for_the_business_administrator_and_both_steps_are_audited(client, sysadmin, wenshui_org):
    user = User.objects.get(username="wenshui-viewer")
    log_in(client, sysadmin)
    form = {"display_name": user.display_name, "org": wenshui_org.pk, "role": Role.EDITOR, "is_active": "on"}
    assert client.post(reverse("accounts:user_edit", args=[user.pk]), form).status_code == 302
    user.refresh_from_db()
    assert (user.role, user.pending_role) == (Role.VIEWER, Role.EDITOR)
    entry = AuditRecord.objects.get(action="user.update", object_id=str(user.pk))
    assert (entry.before["role"], entry.after["role"], entry.after["pending_role"]) == ("viewer", "viewer", "editor")

    admin = log_in(type(client)(), User.objects.get(username="wenshui-admin"))
    assert user.username in admin.get(reverse("accounts:confirmations")).content.decode()
    assert admin.post(reverse("accounts:user_confirm", args=[user.pk])).status_code == 302
    user.refresh_from_db()
    assert (user.role, user.pending_role) == (Role.EDITOR, "")
    confirmed = AuditRecord.objects.get(action="user.confirm", object_id=str(user.pk))
    assert (confirmed.actor.username, confirmed.after["role"]) == ("wenshui-admin", "editor")


def test_a_lowered_role_applies_at_once(client, sysadmin, wenshui_org):
    user = User.objects.get(username="wenshui-editor")
    log_in(client, sysadmin)
    form = {"display_name": user.display_name, "org": wenshui_org.pk, "role": Role.VIEWER, "is_active": "on"}
    assert client.post(reverse("accounts:user_edit", args=[user.pk]), form).status_code == 302
    user.refresh_from_db()
    assert (user.role, user.pending_role) == (Role.VIEWER, "")


def test_disabling_an_account_ends_its_sessions(client, sysadmin, wenshui_org):
    user = User.objects.get(username="wenshui-viewer")
    other = type(client)()
    log_in(other, user)
    log_in(client, sysadmin)
    form = {"display_name": user.display_name, "org": wenshui_org.pk, "role": Role.VIEWER}
    client.post(reverse("accounts:user_edit", args=[user.pk]), form)
    assert not LoginSession.objects.filter(user=user).exists()
    assert other.get("/").status_code == 302


@pytest.mark.parametrize("target", ["self", "auditor", "secadmin"])
def test_no_one_edits_their_own_or_an_administrators_account(client, sysadmin, target, wenshui_org):
    account = sysadmin if target == "self" else User.objects.get(username=target)
    log_in(client, sysadmin)
    url = reverse("accounts:user_edit", args=[account.pk])
    assert client.get(url).status_code == 403
    form = {"display_name": "x", "org": wenshui_org.pk, "role": Role.ADMIN, "is_active": "on"}
    assert client.post(url, form).status_code == 403
    account.refresh_from_db()
    assert account.role != Role.ADMIN


def test_a_business_administrator_cannot_manage_accounts(client, province_admin, wenshui_org):
    log_in(client, province_admin)
    count = User.objects.count()
    assert client.get(USERS).status_code == 403
    assert client.post(NEW_USER, new_user_form(wenshui_org, role=Role.ADMIN)).status_code == 403
    assert User.objects.count() == count


def test_a_new_password_is_generated_shown_once_and_must_be_changed(client, sysadmin):
    user = User.objects.get(username="wenshui-viewer")
    log_in(client, sysadmin)
    url = reverse("accounts:user_password", args=[user.pk])
    response = client.post(url, {"password": "Temporary-9x", "password_again": "Temporary-9x"})
    assert response.status_code == 200
    user.refresh_from_db()
    assert user.check_password(response.context["password"])
    assert not user.check_password("Temporary-9x")
    assert user.must_change_password
    assert user.initial_password_expires_at > timezone.now()
    assert AuditRecord.objects.filter(action="password.reset", object_id=str(user.pk)).count() == 1


def test_the_user_list_is_searchable(client, sysadmin):
    log_in(client, sysadmin)
    response = client.get(USERS, {"q": "wenshui"})
    names = {user.username for user in response.context["page"]}
    assert names == {"wenshui-viewer", "wenshui-editor", "wenshui-reviewer", "wenshui-admin"}


def lock(client, username, address="10.3.3.3"):
    for _ in range(5):
        client.post(reverse("accounts:login"), {"username": username, "password": "Wrong-1x"}, REMOTE_ADDR=address)


def test_the_security_administrator_unlocks_an_account(client, secadmin):
    lock(type(client)(), "wenshui-editor")
    log_in(client, secadmin)
    page = client.get(SECURITY)
    assert [attempt.username for attempt in page.context["locked"]] == ["wenshui-editor"]
    assert client.post(reverse("accounts:lockout_release"), {"username": "wenshui-editor"}).status_code == 302
    assert not AccessAttempt.objects.filter(username="wenshui-editor").exists()
    entry = AuditRecord.objects.get(action="lockout.release")
    assert (entry.actor, entry.after["username"]) == (secadmin, "wenshui-editor")
    login = type(client)().post(
        reverse("accounts:login"), {"username": "wenshui-editor", "password": "Demo-2024-zl"}, REMOTE_ADDR="10.3.3.3"
    )
    assert login.status_code == 302


def test_unlocking_needs_an_account_or_an_address(client, secadmin):
    log_in(client, secadmin)
    response = client.post(reverse("accounts:lockout_release"), {"username": "", "ip_address": ""})
    assert response.status_code == 400
    assert response.context["unlock_form"].non_field_errors()
    assert not AuditRecord.objects.filter(action="lockout.release").exists()


def test_the_security_administrator_ends_a_session(client, secadmin):
    user = User.objects.get(username="wenshui-editor")
    other = type(client)()
    log_in(other, user)
    login_session = LoginSession.objects.get(user=user)
    log_in(client, secadmin)
    assert client.post(reverse("accounts:session_end", args=[login_session.pk])).status_code == 302
    assert not Session.objects.filter(session_key=login_session.session_key).exists()
    assert other.get("/").status_code == 302
    assert AuditRecord.objects.filter(action="session.end", object_id=str(user.pk), actor=secadmin).count() == 1


def test_the_security_administrator_resets_a_lost_second_factor(client, secadmin, sysadmin):
    TOTPDevice.objects.create(user=sysadmin, name="app", confirmed=True)
    log_in(client, secadmin)
    assert client.post(reverse("accounts:second_factor_reset", args=[sysadmin.pk])).status_code == 302
    assert not TOTPDevice.objects.filter(user=sysadmin).exists()
    assert AuditRecord.objects.filter(action="second_factor.reset", object_id=str(sysadmin.pk)).count() == 1


def test_nobody_resets_their_own_second_factor(client, secadmin):
    TOTPDevice.objects.create(user=secadmin, name="app", confirmed=True)
    log_in(client, secadmin)
    assert client.post(reverse("accounts:second_factor_reset", args=[secadmin.pk])).status_code == 403
    assert TOTPDevice.objects.filter(user=secadmin).exists()


@pytest.mark.parametrize("username", ["sysadmin", "auditor", "province-admin", "wenshui-editor"])
def test_only_the_security_administrator_sees_the_security_page(client, username):
    log_in(client, User.objects.get(username=username))
    assert client.get(SECURITY).status_code == 403
    assert client.post(reverse("accounts:lockout_release"), {"username": "x"}).status_code == 403


@pytest.mark.parametrize(
    ("role", "home"), [(Role.SYSADMIN, USERS), (Role.SECADMIN, SECURITY), (Role.AUDITOR, reverse("audit:record_list"))]
)
def test_each_administrator_lands_on_their_own_page(client, make_user, role, home):
    user = make_user("province", role)
    TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    response = client.post(reverse("accounts:login"), {"username": user.username, "password": "Pass-1234x"})
    assert response["Location"].endswith("next=" + home.replace("/", "%2F"))


def test_sessions_that_expired_are_not_listed(client, secadmin):
    user = User.objects.get(username="wenshui-editor")
    other = type(client)()
    log_in(other, user)
    Session.objects.filter(session_key=LoginSession.objects.get(user=user).session_key).delete()
    log_in(client, secadmin)
    listed = {login_session.user for login_session in client.get(SECURITY).context["sessions"]}
    assert listed == {secadmin}

"""Two-factor authentication: required for the three administrators, optional for everyone else."""

import pytest
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from zoneledger.accounts.choices import Role
from zoneledger.accounts.models import LoginSession
from zoneledger.accounts.views import ENROL_KEY
from zoneledger.audit.models import AuditRecord

pytestmark = pytest.mark.django_db
PASSWORD = "Pass-1234x"
ENROL = reverse("accounts:second_factor_enrol")
CHECK = reverse("accounts:second_factor")


def log_in(client, user):
    return client.post(reverse("accounts:login"), {"username": user.username, "password": PASSWORD})


def current_code(key_hex):
    return f"{totp(bytes.fromhex(key_hex)):06d}"


def enrol(client):
    client.get(ENROL)
    return client.post(ENROL, {"token": current_code(client.session[ENROL_KEY])})


@pytest.mark.parametrize("role", [Role.SYSADMIN, Role.SECADMIN, Role.AUDITOR])
def test_an_administrator_without_a_device_must_set_one_up_before_anything_else(client, make_user, role):
    admin = make_user("province", role)
    response = log_in(client, admin)
    assert response["Location"].startswith(CHECK)
    assert client.get(CHECK)["Location"] == ENROL
    assert client.get("/")["Location"] == CHECK
    assert client.get(reverse("audit:record_list"))["Location"] == CHECK


def test_setting_up_an_authenticator_gives_ten_recovery_codes_and_lets_the_user_in(client, make_user):
    admin = make_user("province", Role.SYSADMIN)
    log_in(client, admin)
    response = enrol(client)
    assert response.status_code == 200
    assert len(response.context["codes"]) == 10
    assert TOTPDevice.objects.get(user=admin).confirmed
    assert StaticToken.objects.filter(device__user=admin).count() == 10
    assert client.get("/").status_code != 302 or client.get("/")["Location"] != CHECK
    assert AuditRecord.objects.filter(action="second_factor.enrol", actor=admin).count() == 1


def test_a_wrong_code_sets_nothing_up(client, make_user):
    admin = make_user("province", Role.SECADMIN)
    log_in(client, admin)
    client.get(ENROL)
    response = client.post(ENROL, {"token": "000000"})
    assert response.status_code == 200
    assert response.context["form"].has_error("token")
    assert not TOTPDevice.objects.filter(user=admin).exists()
    assert client.get("/")["Location"] == CHECK


def test_the_code_must_have_six_digits(client, make_user):
    admin = make_user("province", Role.SECADMIN)
    log_in(client, admin)
    response = client.post(ENROL, {"token": "12"})
    assert "token" in response.context["form"].errors


def test_a_user_with_a_device_must_give_a_code_after_the_password(client, make_user):
    user = make_user("province", Role.VIEWER)
    device = TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    log_in(client, user)
    assert client.get("/")["Location"] == CHECK
    right = client.post(CHECK, {"token": current_code(device.key), "next": "/projects/"})
    assert right["Location"] == "/projects/"
    assert client.get("/").status_code == 200
    assert AuditRecord.objects.filter(action="login.second_factor", actor=user, success=True).count() == 1


def test_a_wrong_code_is_refused_audited_and_slows_the_next_tries(client, make_user):
    user = make_user("province", Role.VIEWER)
    device = TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    log_in(client, user)
    wrong = client.post(CHECK, {"token": "000000"})
    assert wrong.context["form"].has_error("token")
    assert AuditRecord.objects.filter(action="login.second_factor", actor=user, success=False).count() == 1
    too_soon = client.post(CHECK, {"token": current_code(device.key)})
    assert too_soon.status_code == 200
    assert client.get("/")["Location"] == CHECK


def test_a_recovery_code_works_once(client, make_user):
    admin = make_user("province", Role.AUDITOR)
    log_in(client, admin)
    code = enrol(client).context["codes"][0]
    client.post(reverse("accounts:logout"))
    log_in(client, admin)
    assert client.post(CHECK, {"token": code})["Location"] == reverse("audit:record_list")
    client.post(reverse("accounts:logout"))
    log_in(client, admin)
    assert client.post(CHECK, {"token": code}).status_code == 200
    assert client.get("/")["Location"] == CHECK


def test_a_business_user_may_log_in_without_a_second_factor(client, make_user):
    user = make_user("province", Role.ADMIN)
    assert log_in(client, user)["Location"] == "/"
    assert client.get("/").status_code == 200


def test_a_business_user_may_turn_two_factor_on(client, make_user):
    user = make_user("province", Role.EDITOR)
    log_in(client, user)
    assert client.get(ENROL).status_code == 200
    assert enrol(client).status_code == 200
    assert TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def test_the_qr_code_is_an_inline_image_not_an_external_url(client, make_user):
    user = make_user("province", Role.EDITOR)
    log_in(client, user)
    page = client.get(ENROL).content.decode()
    assert 'src="data:image/svg+xml;base64,' in page


def test_knowing_the_password_is_not_enough_to_replace_a_device(client, make_user):
    admin = make_user("province", Role.SYSADMIN)
    device = TOTPDevice.objects.create(user=admin, name="app", confirmed=True)
    log_in(client, admin)
    assert client.get(ENROL)["Location"] == CHECK
    assert client.post(ENROL, {"token": "123456"})["Location"] == CHECK
    assert client.get(reverse("accounts:password_change"))["Location"] == CHECK
    assert list(TOTPDevice.objects.filter(user=admin)) == [device]


def test_passing_the_second_factor_renews_the_session_key_and_keeps_it_listed(client, make_user):
    user = make_user("province", Role.VIEWER)
    device = TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    log_in(client, user)
    before = client.session.session_key
    client.post(CHECK, {"token": current_code(device.key)})
    after = client.session.session_key
    assert after != before
    assert list(LoginSession.objects.filter(user=user).values_list("session_key", flat=True)) == [after]


def test_an_enrolled_user_sees_that_the_second_factor_is_on_and_no_new_secret(client, make_user):
    auditor = make_user("province", Role.AUDITOR)
    log_in(client, auditor)
    enrol(client)
    device = TOTPDevice.objects.get(user=auditor)

    response = client.get(ENROL)

    page = response.content.decode()
    assert 'data-testid="second-factor-on"' in page
    assert 'data-testid="totp-secret"' not in page
    assert ENROL_KEY not in client.session
    assert TOTPDevice.objects.get(user=auditor).key == device.key


def test_an_enrolled_user_may_move_to_a_new_authenticator_and_the_old_one_stops(client, make_user):
    auditor = make_user("province", Role.AUDITOR)
    log_in(client, auditor)
    enrol(client)
    old_key = TOTPDevice.objects.get(user=auditor).key

    client.get(ENROL, {"replace": 1})
    response = client.post(f"{ENROL}?replace=1", {"token": current_code(client.session[ENROL_KEY])})

    assert len(response.context["codes"]) == 10
    assert TOTPDevice.objects.get(user=auditor).key != old_key

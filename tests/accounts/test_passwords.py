"""The password policy: length, character classes, common passwords, history, maximum age."""

from datetime import timedelta

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from tests.security.sessions import log_in
from zoneledger.accounts.choices import Role
from zoneledger.accounts.models import LoginSession
from zoneledger.accounts.services import password_change
from zoneledger.audit.models import AuditRecord

pytestmark = pytest.mark.django_db
CHANGE = reverse("accounts:password_change")


def error_codes(password, user=None):
    try:
        validate_password(password, user)
    except ValidationError as error:
        return {item.code for item in error.error_list}
    return set()


@pytest.mark.parametrize(
    ("password", "code"),
    [
        ("Ab1-xyz", "password_too_short"),
        ("alllowercaseletters", "password_too_simple"),
        ("lowercase2024", "password_too_simple"),
        ("Password1", "password_too_common"),
        ("20241231", "password_entirely_numeric"),
    ],
)
def test_a_weak_password_is_refused_with_its_reason(password, code):
    assert code in error_codes(password)


def test_three_character_classes_and_eight_characters_pass():
    assert error_codes("Zone-ledger7") == set()


def test_the_class_rule_is_a_setting_for_those_who_follow_asvs(settings):
    settings.ZONELEDGER_PASSWORD_MIN_CLASSES = 0
    assert error_codes("correct horse battery staple") == set()


def test_a_previous_password_cannot_come_back(make_user):
    user = make_user("province")
    password_change(user=user, password="First-pass-1")
    password_change(user=user, password="Second-pass-2")
    assert "password_reused" in error_codes("First-pass-1", user)
    assert "password_reused" in error_codes("Second-pass-2", user)
    with pytest.raises(ValidationError):
        password_change(user=user, password="First-pass-1")


def test_only_the_last_five_passwords_are_remembered(make_user):
    user = make_user("province")
    for number in range(6):
        password_change(user=user, password=f"Rotation-{number}x")
    assert user.password_history.count() == 5
    assert "password_reused" not in error_codes("Rotation-0x", user)


def test_changing_the_password_on_its_page(client, make_user):
    user = make_user("province", Role.VIEWER)
    log_in(client, user)
    response = client.post(
        CHANGE, {"old_password": "Pass-1234x", "new_password1": "Brand-new-9", "new_password2": "Brand-new-9"}
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("Brand-new-9")
    assert AuditRecord.objects.filter(action="password.change", actor=user).count() == 1
    assert client.get("/").status_code == 200  # the session survives its own password change


def test_a_wrong_old_password_or_a_weak_new_one_changes_nothing(client, make_user):
    user = make_user("province", Role.VIEWER)
    log_in(client, user)
    new = {"new_password1": "Brand-new-9", "new_password2": "Brand-new-9"}
    wrong_old = client.post(CHANGE, {"old_password": "nope", **new})
    weak_new = client.post(CHANGE, {"old_password": "Pass-1234x", "new_password1": "short", "new_password2": "short"})
    assert wrong_old.context["form"].has_error("old_password")
    assert weak_new.context["form"].has_error("new_password2")
    user.refresh_from_db()
    assert user.check_password("Pass-1234x")


def test_a_password_older_than_ninety_days_must_be_changed_first(client, make_user):
    user = make_user("province", Role.VIEWER)
    type(user).objects.filter(pk=user.pk).update(password_changed_at=timezone.now() - timedelta(days=91))
    log_in(client, user)
    assert client.get("/")["Location"] == CHANGE
    assert client.get(CHANGE).status_code == 200


def test_ninety_days_are_not_yet_too_old(client, make_user):
    user = make_user("province", Role.VIEWER)
    type(user).objects.filter(pk=user.pk).update(password_changed_at=timezone.now() - timedelta(days=89))
    log_in(client, user)
    assert client.get("/").status_code == 200


def test_rotation_can_be_turned_off_for_asvs(client, make_user, settings):
    settings.ZONELEDGER_PASSWORD_MAX_AGE_DAYS = 0
    user = make_user("province", Role.VIEWER)
    type(user).objects.filter(pk=user.pk).update(password_changed_at=timezone.now() - timedelta(days=400))
    log_in(client, user)
    assert client.get("/").status_code == 200


def test_a_password_set_by_the_administrator_must_be_changed_at_first_login(client, make_user):
    user = make_user("province", Role.VIEWER, must_change_password=True)
    log_in(client, user)
    assert client.get("/projects/")["Location"] == CHANGE
    client.post(CHANGE, {"old_password": "Pass-1234x", "new_password1": "Mine-only-7", "new_password2": "Mine-only-7"})
    user.refresh_from_db()
    assert not user.must_change_password
    assert client.get("/").status_code == 200


def test_long_passphrases_are_welcome(client, make_user):
    user = make_user("province", Role.VIEWER)
    passphrase = "开发区 ledger passphrase, 2024! " * 4
    password_change(user=user, password=passphrase)
    response = client.post(reverse("accounts:login"), {"username": user.username, "password": passphrase})
    assert len(passphrase) > 64
    assert response.status_code == 302


def test_the_session_stays_listed_under_its_new_key_after_a_password_change(client, make_user):
    user = make_user("province", Role.VIEWER)
    log_in(client, user)
    before = client.session.session_key
    new = {"new_password1": "Brand-new-9", "new_password2": "Brand-new-9"}
    client.post(CHANGE, {"old_password": "Pass-1234x", **new})
    assert client.session.session_key != before
    assert list(LoginSession.objects.filter(user=user).values_list("session_key", flat=True)) == [
        client.session.session_key
    ]

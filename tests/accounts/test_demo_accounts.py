"""The demo's accounts: `zoneledger demo` puts the same accounts back, with the password it prints, every time."""

import pytest

from zoneledger.accounts.choices import Role
from zoneledger.accounts.models import OrgUnit, User
from zoneledger.accounts.services import demo_account_ensure
from zoneledger.demo.builder import DEMO_PASSWORD, ensure_demo_users

pytestmark = pytest.mark.django_db


def test_a_changed_demo_account_is_put_back_with_the_demo_password():
    editor = User.objects.get(username="wenshui-editor")
    editor.role, editor.display_name = Role.VIEWER, "改过的名字"
    editor.set_password("another-password-1")
    editor.save()

    ensure_demo_users()

    editor.refresh_from_db()
    assert (editor.role, editor.display_name, editor.org.name) == (Role.EDITOR, "文水填报员", "文水经济开发区管委会")
    assert editor.check_password(DEMO_PASSWORD)
    assert User.objects.filter(username="wenshui-editor").count() == 1


def test_without_a_password_an_account_keeps_its_own():
    org = OrgUnit.objects.get(name="吕梁市商务局")
    created = demo_account_ensure(username="demo-new", org=org, role=Role.VIEWER, display_name="新账号")
    created.set_password("kept-password-1")
    created.save()

    again = demo_account_ensure(username="demo-new", org=org, role=Role.REVIEWER, display_name="新账号")

    assert again.pk == created.pk
    assert again.role == Role.REVIEWER
    assert User.objects.get(pk=created.pk).check_password("kept-password-1")

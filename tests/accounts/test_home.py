"""Where each role lands, and the way to change one's password from every page."""

import pytest
from django.urls import reverse

from tests.security.sessions import log_in
from zoneledger.accounts.choices import Role
from zoneledger.accounts.models import User

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("role", "home"), [(Role.SYSADMIN, "accounts:user_list"), (Role.SECADMIN, "accounts:security")]
)
def test_an_administrator_who_reads_no_ledger_lands_on_their_console(client, make_user, role, home):
    response = log_in(client, make_user("province", role)).get(reverse("reports:dashboard"), follow=True)

    assert response.redirect_chain == [(reverse(home), 302)]
    assert response.status_code == 200


@pytest.mark.parametrize("username", ["wenshui-editor", "lvliang-reviewer", "province-admin"])
def test_a_business_user_s_home_is_the_dashboard_with_a_change_password_link(client, username):
    response = log_in(client, User.objects.get(username=username)).get(reverse("reports:dashboard"))

    assert response.status_code == 200
    assert f'href="{reverse("accounts:password_change")}"' in response.content.decode()


def test_every_page_of_the_ledger_offers_the_change_of_password(client):
    editor = log_in(client, User.objects.get(username="wenshui-editor"))
    for name in ("projects:project_list", "reports:warnings", "reports:year_summary", "campaigns:round_list"):
        assert f'href="{reverse("accounts:password_change")}"' in editor.get(reverse(name)).content.decode(), name

"""The API tokens page: a user makes their own token (shown once), lists and revokes them; never anyone else's."""

import re

import pytest
from django.test import Client

from tests.security.sessions import log_in
from zoneledger.accounts.models import ApiToken, User
from zoneledger.accounts.tokens import token_create

pytestmark = pytest.mark.django_db


def test_a_token_made_on_the_page_is_shown_once_and_works(client):
    log_in(client, User.objects.get(username="wenshui-viewer"))

    made = client.post("/accounts/tokens/", {"name": "大屏", "expires_days": "30", "read_only": "on"})

    secret = re.search(r"<code>(zl_[\w-]{40,})</code>", made.content.decode())[1]
    assert made["Cache-Control"] == "no-store"
    token = ApiToken.objects.get(user__username="wenshui-viewer", name="大屏")
    assert token.read_only
    again = client.get("/accounts/tokens/").content.decode()
    assert secret not in again
    assert f"zl_{token.prefix}…" in again
    assert Client().get("/api/v1/zones/", HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 200


def test_a_user_revokes_their_own_token_and_no_one_elses(client):
    owner = User.objects.get(username="wenshui-viewer")
    token, secret = token_create(actor=owner, user=owner, name="x")
    log_in(client, User.objects.get(username="wenshui-editor"))

    assert client.post(f"/accounts/tokens/{token.pk}/revoke/").status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None

    log_in(client, owner)
    client.post(f"/accounts/tokens/{token.pk}/revoke/")
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert Client().get("/api/v1/zones/", HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 401


def test_a_token_without_a_name_is_refused_on_the_page(client):
    log_in(client, User.objects.get(username="wenshui-viewer"))

    response = client.post("/accounts/tokens/", {"name": "", "expires_days": "0"})

    assert response.status_code == 200
    assert not ApiToken.objects.filter(user__username="wenshui-viewer").exists()
    assert "zl_" not in response.content.decode().split("<table")[0]

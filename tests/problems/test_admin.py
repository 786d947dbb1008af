"""The admin for problems: a province's categories and task forces kept by staff (audited); problems read-only."""

import pytest
from django.urls import reverse

from zoneledger.accounts import session
from zoneledger.accounts.models import User
from zoneledger.audit.models import AuditRecord
from zoneledger.problems.models import Problem, ProblemCategory
from zoneledger.problems.services import categories

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client):
    user = User.objects.create_superuser(username="admin-problems", password="Pass-1234x-Admin")
    client.force_login(user)
    client_session = client.session
    session.second_factor_done(client_session)
    client_session.save()
    return client


@pytest.mark.parametrize("model", ["problem", "problemcategory", "taskforce"])
def test_staff_see_the_lists(staff_client, model):
    assert staff_client.get(reverse(f"admin:problems_{model}_changelist")).status_code == 200


def test_a_province_s_own_category_is_added_audited_and_offered(staff_client):
    response = staff_client.post(
        reverse("admin:problems_problemcategory_add"), {"province": "140000", "name": "环保督察"}
    )
    assert response.status_code == 302
    assert ProblemCategory.objects.filter(province_id="140000", name="环保督察").exists()
    assert AuditRecord.objects.filter(action="admin.add", object_type="problems.problemcategory").exists()
    assert ("环保督察", "环保督察") in categories("140000")
    assert ("环保督察", "环保督察") not in categories("130000")


def test_problems_cannot_be_added_in_the_admin(staff_client):
    before = Problem.objects.count()
    response = staff_client.post(reverse("admin:problems_problem_add"), {"title": "x"})
    assert response.status_code == 403
    assert Problem.objects.count() == before

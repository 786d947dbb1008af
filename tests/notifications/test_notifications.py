"""Notifications (issue 15): told on commit by the worker, never inside the request — a problem assigned to you or
your org, a deadline due tomorrow, an escalation to your level, your report returned; the bell's count and the inbox,
marked read per user; e-mail only where the setting is on. Refusals change nothing."""

from datetime import date, datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse

from tests.problems.conftest import BEIJING
from tests.security.sessions import log_in
from zoneledger.notifications.choices import Kind
from zoneledger.notifications.models import Notification
from zoneledger.problems import services

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_notifications_yet(db):
    """The demo's problems told their owners when the test database was built; each test starts from none."""
    Notification.objects.all().delete()


def told(username, kind=None):
    rows = Notification.objects.filter(user__username=username)
    return list(rows.filter(kind=kind) if kind else rows)


def test_nothing_is_told_inside_the_transaction_only_once_it_commits(raise_problem, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        raise_problem()
        assert not told("wenshui-reviewer")  # the request is over before anyone is told
    assert len(callbacks) == 1
    callbacks[0]()
    assert told("wenshui-reviewer", Kind.PROBLEM_ASSIGNED)


def test_a_rolled_back_change_tells_no_one(raise_problem, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(Exception, match="category"):
        raise_problem(category="不存在的类别")
    assert Notification.objects.count() == 0


def test_a_problem_assigned_to_an_org_tells_its_users_but_not_who_raised_it(
    raise_problem, user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        problem = raise_problem()

    assert not told("wenshui-editor")  # who raised it knows
    [notice] = told("wenshui-reviewer", Kind.PROBLEM_ASSIGNED)
    assert notice.url == reverse("problems:problem_detail", args=[problem.pk])
    assert problem.title in notice.text
    assert not told("lvliang-reviewer")  # another org
    assert not told("auditor")
    assert not told("sysadmin")


def test_a_problem_assigned_to_a_person_tells_only_them(raise_problem, user, django_capture_on_commit_callbacks):
    owner = user("wenshui-reviewer")
    with django_capture_on_commit_callbacks(execute=True):
        raise_problem(owner=owner)

    assert len(told("wenshui-reviewer", Kind.PROBLEM_ASSIGNED)) == 1
    assert not told("wenshui-viewer")


def test_an_escalation_tells_the_level_it_reached(raise_problem, django_capture_on_commit_callbacks):
    problem = raise_problem()  # solve due 2025-10-16
    Notification.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        services.problem_escalate(as_of=date(2025, 10, 17))

    [notice] = told("lvliang-reviewer", Kind.PROBLEM_ESCALATED)
    assert problem.title in notice.text
    assert notice.url.endswith(f"/{problem.pk}/")
    assert not told("wenshui-reviewer")  # the zone's level is not the one it reached
    assert not told("province-viewer")

    with django_capture_on_commit_callbacks(execute=True):
        services.problem_escalate(as_of=date(2025, 10, 17))  # nothing more to escalate: nothing more to tell
    assert len(told("lvliang-reviewer")) == 1


def test_many_escalations_at_once_are_one_notice_with_their_count(raise_problem, django_capture_on_commit_callbacks):
    for number in range(3):
        raise_problem(title=f"问题{number}")
    with django_capture_on_commit_callbacks(execute=True):
        services.problem_escalate(as_of=date(2025, 10, 17))

    [notice] = told("lvliang-viewer", Kind.PROBLEMS_ESCALATED)
    assert notice.params["count"] >= 3
    assert "tier=city" in notice.url


def test_a_deadline_due_tomorrow_is_told_once(raise_problem, django_capture_on_commit_callbacks):
    raise_problem()  # raised 2025-09-30 16:00: plan due 2025-10-09 (after 国庆), reply 2025-10-11 (a 调休 Saturday)
    Notification.objects.all().delete()

    with django_capture_on_commit_callbacks(execute=True):
        assert services.problem_remind(as_of=date(2025, 10, 8)) >= 1
        services.problem_remind(as_of=date(2025, 10, 8))  # the next hour's run

    [notice] = told("wenshui-reviewer", Kind.PROBLEM_DUE)
    assert notice.params["deadline"] == "plan"
    assert notice.params["date"] == "2025-10-09"
    with django_capture_on_commit_callbacks(execute=True):
        services.problem_remind(as_of=date(2025, 10, 3))  # 国庆: nothing is due the next working day
    assert len(told("wenshui-reviewer", Kind.PROBLEM_DUE)) == 1


def test_a_returned_report_tells_its_submitter(problem_project, user, django_capture_on_commit_callbacks):
    from zoneledger.progress import services as progress

    with django_capture_on_commit_callbacks(execute=True):
        version = progress.progress_submit(
            actor=user("wenshui-editor"), project=problem_project, month=date(2025, 9, 1), amount=Decimal("3.00")
        )
        progress.progress_return(actor=user("lvliang-reviewer"), version=version, reason="形象进度未写")

    [notice] = told("wenshui-editor", Kind.REPORT_RETURNED)
    assert "形象进度未写" in notice.text
    assert "2025-09" in notice.text
    assert notice.url == reverse("progress:report_edit", args=[problem_project.pk, 2025, 9])


def test_e_mail_only_where_the_setting_is_on(raise_problem, user, settings, django_capture_on_commit_callbacks):
    reviewer = user("wenshui-reviewer")
    reviewer.email = "reviewer@example.org"
    reviewer.save(update_fields=["email"])
    with django_capture_on_commit_callbacks(execute=True):
        raise_problem()
    assert mail.outbox == []

    settings.ZONELEDGER_NOTIFY_EMAIL = True
    with django_capture_on_commit_callbacks(execute=True):
        raise_problem(title="第二个问题", raised_at=datetime(2025, 10, 9, 9, tzinfo=BEIJING))
    assert [message.to for message in mail.outbox] == [["reviewer@example.org"]]
    assert "第二个问题" in mail.outbox[0].body


def test_the_bell_counts_the_unread_and_the_inbox_marks_them_read(
    client, raise_problem, user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = raise_problem()
        raise_problem(title="第二个问题")
    log_in(client, user("wenshui-reviewer"))

    page = client.get(reverse("reports:dashboard")).content.decode()
    assert 'data-testid="bell"' in page
    assert 'data-testid="bell-count">2<' in client.get(reverse("notifications:badge")).content.decode()
    inbox = client.get(reverse("notifications:inbox")).content.decode()
    assert first.title in inbox
    [one, _other] = told("wenshui-reviewer")

    client.post(reverse("notifications:read"), {"notification": one.pk})
    assert 'data-testid="bell-count">1<' in client.get(reverse("notifications:badge")).content.decode()
    client.post(reverse("notifications:read"))
    assert "bell-count" not in client.get(reverse("notifications:badge")).content.decode()
    assert all(notice.read_at for notice in told("wenshui-reviewer"))


def test_another_user_s_notification_cannot_be_marked_and_nothing_changes(
    client, raise_problem, user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        raise_problem()
    [theirs] = told("wenshui-reviewer")
    log_in(client, user("wenshui-viewer"))
    [mine] = told("wenshui-viewer")

    for form in ({"notification": [mine.pk, theirs.pk]}, {"notification": theirs.pk}, {"notification": "x"}):
        response = client.post(reverse("notifications:read"), form)
        assert response.status_code in (400, 404)
    assert not Notification.objects.filter(read_at__isnull=False).exists()
    inbox = client.get(reverse("notifications:inbox")).content.decode()
    assert f'data-testid="notification-{mine.pk}"' in inbox
    assert f'data-testid="notification-{theirs.pk}"' not in inbox

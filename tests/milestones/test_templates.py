"""Plan templates kept by the province: its business administrator lists, creates and changes its own; nobody else
writes one, a national template is read only, and bad input changes nothing."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from zoneledger.audit.models import AuditRecord
from zoneledger.milestones import services
from zoneledger.milestones.models import PlanTemplate
from zoneledger.milestones.schedule import Step

pytestmark = pytest.mark.django_db

STEPS = [Step("用地预审", 20), Step("施工许可", 5), Step("开工", 0, kind="stage_target", stage="started")]


def form_data(name="园区标准厂房项目", steps=STEPS, **more):
    data = {
        "name": name,
        "description": "标准地，拿地即开工",
        "steps-TOTAL_FORMS": str(len(steps)),
        "steps-INITIAL_FORMS": "0",
        "steps-MIN_NUM_FORMS": "1",
        "steps-MAX_NUM_FORMS": "1000",
    }
    for index, step in enumerate(steps):
        data |= {
            f"steps-{index}-title": step.title,
            f"steps-{index}-working_days": str(step.working_days),
            f"steps-{index}-kind": step.kind,
            f"steps-{index}-stage": step.stage,
        }
        if step.after_previous:
            data[f"steps-{index}-after_previous"] = "on"
    return data | more


def fingerprint():
    return list(PlanTemplate.objects.order_by("pk").values()), AuditRecord.objects.count()


def test_the_province_administrator_creates_and_changes_a_template_from_the_page(client, province_admin):
    client.force_login(province_admin)

    response = client.post(reverse("milestones:template_create"), form_data())

    assert response.status_code == 302
    template = PlanTemplate.objects.get(province_code="140000", name="园区标准厂房项目")
    assert [step.title for step in template.schedule_steps()] == ["用地预审", "施工许可", "开工"]
    assert template.schedule_steps()[-1].stage == "started"

    edit = reverse("milestones:template_edit", args=[template.pk])
    assert "用地预审" in client.get(edit).content.decode()
    changed = [Step("用地预审", 15), Step("环评", 20, after_previous=False), *STEPS[1:]]
    assert client.post(edit, form_data(steps=changed)).status_code == 302
    template.refresh_from_db()
    assert [(step.title, step.working_days, step.after_previous) for step in template.schedule_steps()][:2] == [
        ("用地预审", 15, True),
        ("环评", 20, False),
    ]
    listing = client.get(reverse("milestones:template_list")).content.decode()
    assert "园区标准厂房项目" in listing
    assert "工业新建项目" in listing  # the national one, read only


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (form_data(name=""), "This field is required"),
        (form_data(name="工业新建项目") | {"name": "地热供热项目（协议→管网）"}, "already has a template"),
        (form_data(steps=[Step("开工", 5, kind="stage_target")]), "names the stage"),
        (form_data() | {"steps-0-working_days": "-3"}, "greater than or equal to 0"),
        (form_data() | {"steps-0-working_days": "三天"}, "whole number"),
        (form_data() | {"steps-0-kind": "meeting"}, "valid choice"),
        (form_data(steps=[]) | {"steps-TOTAL_FORMS": "0"}, "at least 1"),
    ],
)
def test_bad_input_is_shown_and_nothing_is_written(client, province_admin, data, message):
    client.force_login(province_admin)
    before = fingerprint()

    response = client.post(reverse("milestones:template_create"), data, HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 200
    assert message in response.content.decode().replace("&#x27;", "'")
    assert fingerprint() == before


def template_records():
    return AuditRecord.objects.filter(action="plan_template.save").count()


def test_an_editor_or_a_city_may_not_keep_templates(client, wenshui_editor, lvliang_reviewer):
    before = fingerprint()
    saved = template_records()  # the demo's own template was saved through the service
    for user in (wenshui_editor, lvliang_reviewer):
        client.force_login(user)
        assert client.get(reverse("milestones:template_create")).status_code == 403
        assert client.post(reverse("milestones:template_create"), form_data()).status_code == 403
        with pytest.raises(PermissionDenied):
            services.template_save(actor=user, name="越权模板", steps=STEPS)
    assert fingerprint()[0] == before[0]  # (log-ins and refusals are audited; no template's record is)
    assert template_records() == saved


def test_a_national_template_or_another_province_s_is_not_found_for_editing(client, province_admin, user):
    national = PlanTemplate.objects.get(province_code="", name="工业新建项目")
    shanxi = PlanTemplate.objects.filter(province_code="140000").first()
    before = fingerprint()
    saved = template_records()

    client.force_login(province_admin)
    assert client.post(reverse("milestones:template_edit", args=[national.pk]), form_data()).status_code == 404
    client.force_login(user("hebei-admin"))
    assert client.post(reverse("milestones:template_edit", args=[shanxi.pk]), form_data()).status_code == 404
    with pytest.raises(PermissionDenied):
        services.template_save(actor=user("hebei-admin"), template=shanxi, name="越权", steps=STEPS)
    assert fingerprint()[0] == before[0]  # (log-ins and refusals are audited; no template's record is)
    assert template_records() == saved


def test_saving_the_same_template_again_changes_nothing(province_admin):
    template = services.template_save(actor=province_admin, name="重复保存模板", steps=STEPS)
    records = AuditRecord.objects.count()

    services.template_save(actor=province_admin, template=template, name="重复保存模板", steps=STEPS)

    assert AuditRecord.objects.count() == records


def test_a_step_with_an_unknown_stage_is_refused(province_admin):
    with pytest.raises(ValidationError) as refused:
        services.template_save(
            actor=province_admin, name="坏模板", steps=[Step("开工", 1, kind="stage_target", stage="flying")]
        )
    assert "steps" in refused.value.message_dict
    assert not PlanTemplate.objects.filter(name="坏模板").exists()

"""Copy the rows of the old projects.Milestone (title, due date, done date, note) into milestones.Milestone, before
projects 0005 removes that table, and seed the industrial plan template of DOMAIN.md §9, offered to every province.

The durations are working days and illustrative: a province corrects them (or keeps its own template).
"""

from django.db import migrations

INDUSTRIAL = {
    "name": "工业新建项目",
    "description": "备案 → 用地预审 → 土地出让 → 规划许可 → 环评 → 能评 → 施工许可 → 开工（工作日数为示例，省里可调整）",
    "steps": [
        {"title": "备案/核准", "working_days": 3, "after_previous": True, "kind": "approval", "stage": ""},
        {"title": "用地预审与选址", "working_days": 20, "after_previous": True, "kind": "approval", "stage": ""},
        {"title": "土地出让", "working_days": 20, "after_previous": True, "kind": "approval", "stage": ""},
        {"title": "建设用地规划许可", "working_days": 5, "after_previous": True, "kind": "approval", "stage": ""},
        {"title": "建设工程规划许可", "working_days": 10, "after_previous": True, "kind": "approval", "stage": ""},
        {"title": "环评批复", "working_days": 20, "after_previous": False, "kind": "approval", "stage": ""},
        {"title": "节能审查", "working_days": 15, "after_previous": False, "kind": "approval", "stage": ""},
        {"title": "施工许可", "working_days": 5, "after_previous": True, "kind": "approval", "stage": ""},
        {"title": "开工", "working_days": 5, "after_previous": True, "kind": "stage_target", "stage": "started"},
    ],
}


def forwards(apps, schema_editor):
    Old = apps.get_model("projects", "Milestone")
    New = apps.get_model("milestones", "Milestone")
    New.objects.bulk_create(
        New(
            project_id=old.project_id,
            title=old.title,
            kind="construction",
            planned_on=old.due_on,
            done_on=old.done_on,
            note=old.note,
        )
        for old in Old.objects.order_by("pk")
    )
    PlanTemplate = apps.get_model("milestones", "PlanTemplate")
    PlanTemplate.objects.get_or_create(province_code="", name=INDUSTRIAL["name"], defaults=INDUSTRIAL)


class Migration(migrations.Migration):
    dependencies = [
        ("milestones", "0001_initial"),
        ("projects", "0004_enterprise_name_as_entered"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]

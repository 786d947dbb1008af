"""The days each project first reached 开工, 投产 and 达产 (`Project.started_on` …), filled from its live events in
batches: nullable columns (a catalogue change), then `Backfill`, each batch its own transaction."""

from django.db import migrations, models

from zoneledger.core.live_schema import Backfill


def first_reached(stages: tuple[str, ...]) -> str:
    """SQL for the row's project's first live event of any of `stages` (a stage or a later one reached it)."""
    # Equalities ORed rather than `stage IN (…)`: SQLite 3.40 can answer the IN form wrongly once ANALYZE has run
    # (`StageEventQuerySet.exist_in`).
    any_stage = " OR ".join(f"e.stage = '{stage}'" for stage in stages)
    return (
        "SELECT MIN(e.happened_on) FROM projects_stageevent e"
        f" WHERE e.project_id = projects_project.id AND NOT e.voided AND ({any_stage})"
    )


class Migration(migrations.Migration):
    atomic = False  # each batch commits on its own (core/live_schema.py)

    dependencies = [
        ("projects", "0009_stageevent_province_stage_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="project",
            name="started_on",
            field=models.DateField(blank=True, editable=False, null=True, verbose_name="started (reached) on"),
        ),
        migrations.AddField(
            model_name="project",
            name="commissioned_on",
            field=models.DateField(blank=True, editable=False, null=True, verbose_name="commissioned (reached) on"),
        ),
        migrations.AddField(
            model_name="project",
            name="at_capacity_on",
            field=models.DateField(blank=True, editable=False, null=True, verbose_name="at capacity (reached) on"),
        ),
        Backfill("projects_project", "started_on", first_reached(("started", "commissioned", "at_capacity"))),
        Backfill("projects_project", "commissioned_on", first_reached(("commissioned", "at_capacity"))),
        Backfill("projects_project", "at_capacity_on", first_reached(("at_capacity",))),
    ]

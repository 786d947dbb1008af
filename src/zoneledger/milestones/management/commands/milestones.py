"""zoneledger milestones templates|plan|list: plan templates, 倒排工期 and the lights at the command line, JSON out.

    zoneledger milestones templates [--as USER] --format json
    zoneledger milestones plan --project REF --template NAME --target STAGE=YYYY-MM-DD [--allow-late] --as USER
    zoneledger milestones list --scope SCOPE [--as-of DATE] [--light red] --as USER --format json

REF is a project's national code or id; STAGE the stage the template's last step reaches (`started` or 开工, …).
The same services and selectors as the pages and the API: the user's scope and role apply; a refusal prints one
line and exits 1 with nothing written.
"""

import json
from datetime import date

from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from zoneledger.accounts.commands import acting_user
from zoneledger.accounts.scope import user_scope_in
from zoneledger.core.commands import BaseCommand, option_date
from zoneledger.core.errors import NotFound
from zoneledger.projects.choices import Stage
from zoneledger.projects.commands import project_named, project_reference

from ... import selectors, services
from ...choices import Light, MilestoneKind
from ...models import Milestone, PlanTemplate
from ...schemas import TemplateOut

# A stage as the command takes it: its value, or its word in the ledger.
STAGE_WORDS = {
    "谋划": Stage.PIPELINE,
    "签约": Stage.SIGNED,
    "开工": Stage.STARTED,
    "投产": Stage.COMMISSIONED,
    "达产": Stage.AT_CAPACITY,
} | {stage.value: stage for stage in Stage}


def milestone_json(milestone: Milestone) -> dict:
    """A milestone as the commands print it; `light` as of the list's date (`green|yellow|red|grey`)."""
    return {
        "id": milestone.pk,
        "project": project_reference(milestone.project),
        "project_name": milestone.project.name,
        "title": milestone.title,
        "kind": milestone.kind,
        "stage": milestone.stage,
        "planned": milestone.planned_on.isoformat(),
        "done": milestone.done_on.isoformat() if milestone.done_on else None,
        "light": getattr(milestone, "light", None),
        "owner": milestone.owner,
        "plan": milestone.plan,
    }


def option_target(text: str) -> tuple[str, date]:
    """(stage, date) from STAGE=YYYY-MM-DD, or a CommandError naming --target."""
    word, equals, day = text.partition("=")
    stage = STAGE_WORDS.get(word.strip())
    if not equals or stage is None:
        raise CommandError(
            _("--target: give the stage and the date as STAGE=YYYY-MM-DD, e.g. started=2025-04-15 or 开工=2025-04-15.")
        )
    return stage, option_date(day.strip(), option="--target")


def check_target_stage(template: PlanTemplate, stage: str) -> None:
    """Refuse a target whose stage is not the one the template's last step reaches (when that step names one)."""
    last = template.schedule_steps()[-1]
    if last.kind == MilestoneKind.STAGE_TARGET and last.stage != stage:
        raise CommandError(
            _("--target: the template “%(template)s” ends with “%(step)s”, a target of %(ends)s, not of %(stage)s.")
            % {
                "template": template.name,
                "step": last.title,
                "ends": Stage(last.stage).label,
                "stage": Stage(stage).label,
            }
        )


class Command(BaseCommand):
    help = "Plan templates, planning a project backwards from a target (倒排工期), and the milestones' lights (JSON)."

    def add_arguments(self, parser):
        verbs = parser.add_subparsers(dest="verb", required=True)
        templates = verbs.add_parser("templates", help="the plan templates (of the user's province with --as)")
        templates.add_argument("--as", dest="username", default="")
        plan = verbs.add_parser("plan", help="add a project's milestones from a template, worked back from a target")
        plan.add_argument("--project", required=True, help="a project's national code or id")
        plan.add_argument("--template", required=True, help="the template's name")
        plan.add_argument("--target", required=True, help="STAGE=YYYY-MM-DD, e.g. started=2025-04-15")
        plan.add_argument("--allow-late", action="store_true", help="plan even if the first steps are already late")
        plan.add_argument("--as", dest="username", required=True)
        listing = verbs.add_parser("list", help="the live milestones of a scope with their lights, worst first")
        listing.add_argument("--scope", required=True, help="province, a division code or a zone's name")
        listing.add_argument("--as-of", dest="as_of", help="YYYY-MM-DD (default: today)")
        listing.add_argument("--light", choices=Light.values, help="keep one light (red: 节点逾期)")
        listing.add_argument("--as", dest="username", required=True)
        for verb in (templates, plan, listing):
            verb.add_argument("--format", choices=["json"], default="json")

    def handle(self, *args, verb, username, **options):
        result = getattr(self, f"handle_{verb}")(username, **options)
        self.stdout.write(json.dumps(result, ensure_ascii=False))

    def handle_templates(self, username, **options):
        templates = selectors.template_list(user=acting_user(username)) if username else PlanTemplate.objects.all()
        return [TemplateOut.from_orm(template).model_dump(mode="json") for template in templates]

    def handle_plan(self, username, *, project, template, target, allow_late, **options):
        user = acting_user(username)
        stage, day = option_target(target)
        found = project_named(user, project)
        try:
            chosen = selectors.template_get(user=user, name=template, province=found.zone.province_id)
        except NotFound:
            raise CommandError(_("--template: no plan template “%(name)s”.") % {"name": template}) from None
        check_target_stage(chosen, stage)
        planned = services.milestones_plan(
            actor=user, project=found, template=chosen, target=day, allow_late=allow_late
        )
        rows = selectors.project_milestones(user=user, project=found).filter(pk__in=[m.pk for m in planned])
        return [milestone_json(milestone) for milestone in rows.select_related("project")]

    def handle_list(self, username, *, scope, as_of, light, **options):
        user = acting_user(username)
        day = option_date(as_of, option="--as-of") if as_of else None
        rows = selectors.milestone_list(user=user, scope=user_scope_in(user, scope), as_of=day, light=light)
        return [milestone_json(milestone) for milestone in rows]

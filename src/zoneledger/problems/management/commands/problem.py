"""zoneledger problem raise|act|list: problems on the 13710 clock at the command line, as a user, JSON out.

    zoneledger problem raise --project REF --title T --category C --level ordinary|major --owner ORG --as USER
    zoneledger problem act ID (plan|reply|solve|close|reopen) --note TEXT --as USER
    zoneledger problem list --scope SCOPE [--as-of DATE] --as USER [--format json]

REF is a project's code or id; ORG an org unit's name. The same services and selectors as the pages: the user's
scope and role apply, refusals print one line and exit 1.
"""

import json

from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from zoneledger.accounts.commands import acting_user
from zoneledger.accounts.models import OrgUnit
from zoneledger.accounts.scope import user_scope_in
from zoneledger.core.commands import BaseCommand, option_date
from zoneledger.projects.commands import project_named

from ... import selectors, services
from ...workflow import ACTIONS


def problem_json(problem) -> dict:
    return {
        "id": problem.pk,
        "title": problem.title,
        "state": problem.state,
        "level": problem.level,
        "category": problem.category,
        "colour": getattr(problem, "colour", None),
        "escalated_to": problem.tier,
        "deadlines": {
            "plan": problem.plan_due.isoformat(),
            "reply": problem.reply_due.isoformat(),
            "solve": problem.solve_due.isoformat(),
        },
    }


class Command(BaseCommand):
    help = "Raise, act on and list problems on the 13710 clock, as a user (JSON out)."

    def add_arguments(self, parser):
        verbs = parser.add_subparsers(dest="verb", required=True)
        raise_ = verbs.add_parser("raise")
        raise_.add_argument("--project", required=True)
        raise_.add_argument("--title", required=True)
        raise_.add_argument("--category", required=True)
        raise_.add_argument("--level", required=True)
        raise_.add_argument("--owner", required=True, help="the responsible org unit's name")
        raise_.add_argument("--description", default="")
        raise_.add_argument("--as", dest="username", required=True)
        act = verbs.add_parser("act")
        act.add_argument("id", type=int)
        act.add_argument("step", choices=ACTIONS)
        act.add_argument("--note", default="")
        act.add_argument("--as", dest="username", required=True)
        list_ = verbs.add_parser("list")
        list_.add_argument("--scope", required=True)
        list_.add_argument("--as-of", dest="as_of")
        list_.add_argument("--as", dest="username", required=True)
        list_.add_argument("--format", choices=["json"], default="json")

    def handle(self, *args, verb, username, **options):
        user = acting_user(username)
        result = getattr(self, f"handle_{verb}")(user, **options)
        self.stdout.write(json.dumps(result, ensure_ascii=False))

    def handle_raise(self, user, *, project, title, category, level, owner, description, **options):
        found = project_named(user, project)
        org = OrgUnit.objects.filter(name=owner).first()
        if org is None:
            raise CommandError(_("--owner: no organisation called “%(name)s”.") % {"name": owner})
        problem = services.problem_raise(
            actor=user,
            project=found,
            title=title,
            category=category,
            level=level,
            owner_org=org,
            description=description,
        )
        return problem_json(problem)

    def handle_act(self, user, *, id, step, note, **options):
        problem = selectors.problem_get(user=user, pk=id)
        return problem_json(services.problem_act(actor=user, problem=problem, step=step, note=note))

    def handle_list(self, user, *, scope, as_of, **options):
        day = option_date(as_of, option="--as-of") if as_of else None
        wanted = user_scope_in(user, scope)
        rows = (
            selectors.problem_rows(user=user, as_of=day)
            .filter(wanted.q("zone__", province="province_id"))
            .order_by("-raised_at", "-pk")
        )
        return [problem_json(problem) for problem in rows]

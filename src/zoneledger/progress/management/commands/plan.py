from django.core.exceptions import ValidationError
from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from zoneledger.accounts.commands import acting_user
from zoneledger.core.commands import BaseCommand
from zoneledger.core.money import parse_wan
from zoneledger.progress import services
from zoneledger.projects.commands import project_named


def _amount(text, option):
    try:
        return parse_wan(text)
    except ValidationError:
        raise CommandError(_("%(option)s: “%(value)s” is not an amount.") % {"option": option, "value": text}) from None


class Command(BaseCommand):
    help = "Annual plans: `plan set --project REF --year YYYY --amount N [--months m1,…,m12] --as USER`."

    def add_arguments(self, parser):
        verbs = parser.add_subparsers(dest="verb", required=True)
        setting = verbs.add_parser("set", help="set a project's planned investment of a year")
        setting.add_argument("--project", required=True, help="a project's national code or id")
        setting.add_argument("--year", required=True, type=int)
        setting.add_argument("--amount", required=True, help="万元")
        setting.add_argument("--months", default="", help="twelve amounts separated by commas (default: even)")
        setting.add_argument("--as", dest="username", required=True)

    def handle(self, *args, verb, username, **options):
        user = acting_user(username)
        project = project_named(user, options["project"])
        months = (
            [_amount(part.strip(), "--months") for part in options["months"].split(",")] if options["months"] else None
        )
        plan = services.plan_set(
            actor=user,
            project=project,
            year=options["year"],
            amount=_amount(options["amount"], "--amount"),
            months=months,
        )
        self.stdout.write(_("Plan %(plan)s: %(amount)s 万元.") % {"plan": plan, "amount": plan.amount})

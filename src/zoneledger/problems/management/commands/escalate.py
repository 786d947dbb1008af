"""zoneledger escalate [--as-of DATE] [--province CODE]: escalate the problems overdue for solving, as the worker
does every hour; idempotent. Prints JSON: {"as_of": ISO, "problems": N, "steps": N}."""

import json

from django.utils import timezone

from zoneledger.core.commands import BaseCommand, option_date
from zoneledger.problems import services


class Command(BaseCommand):
    help = "Escalate every open problem past its solve deadline one tier (zone → city → province); idempotent."

    def add_arguments(self, parser):
        parser.add_argument("--as-of", dest="as_of", help="the day to escalate for, YYYY-MM-DD (default: today)")
        parser.add_argument("--province", help="only this province's problems (its six-digit code)")

    def handle(self, *args, as_of=None, province=None, **options):
        day = option_date(as_of, option="--as-of") if as_of else timezone.localdate()
        run = services.problem_escalate(as_of=day, province=province or None)
        self.stdout.write(json.dumps({"as_of": day.isoformat(), "problems": run.problems, "steps": run.steps}))

from django.conf import settings
from django.utils.translation import gettext as _

from zoneledger.campaigns.models import Round
from zoneledger.campaigns.services import round_create
from zoneledger.core.commands import BaseCommand, option_date


class Command(BaseCommand):
    help = (
        "A province's rounds: `round add YYYY-N --held-on YYYY-MM-DD [--title T] [--province CODE]` and "
        "`round list [--province CODE]` (default: the home province, ZONELEDGER_HOME_PROVINCE)."
    )

    def add_arguments(self, parser):
        verbs = parser.add_subparsers(dest="verb", required=True)
        add = verbs.add_parser("add", help="define a round")
        add.add_argument("label", help="year and sequence, e.g. 2024-1")
        add.add_argument("--held-on", required=True)
        add.add_argument("--title", default="")
        add.add_argument("--venues", default="")
        listing = verbs.add_parser("list", help="list the rounds")
        for verb in (add, listing):
            verb.add_argument("--province", default=settings.ZONELEDGER_HOME_PROVINCE, help="a province's code")

    def handle(self, *args, verb, **options):
        if verb == "list":
            for round_ in Round.objects.filter(province_id=options["province"]):
                self.stdout.write(f"{round_.label:<8} {round_.held_on}  {round_.title}")
            return
        round_ = round_create(
            actor=None,
            label=options["label"],
            held_on=option_date(options["held_on"], option="--held-on"),
            title=options["title"],
            venues=options["venues"],
            province=options["province"],
        )
        self.stdout.write(
            _("Added round %(label)s, held on %(date)s.") % {"label": round_.label, "date": round_.held_on}
        )

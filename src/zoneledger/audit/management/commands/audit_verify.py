from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from zoneledger.audit.services import verify_chain
from zoneledger.core.commands import BaseCommand


class Command(BaseCommand):
    help = (
        "Verify each province's audit hash chain and check it against the signed checkpoints in the anchor file; "
        "exits with an error naming every broken, rebuilt or cut-short chain and every forged checkpoint."
    )

    def handle(self, *args, **options):
        report = verify_chain()
        for chain in report.chains:
            if chain.intact:
                self.stdout.write(chain.describe())
        self.stdout.write(report.describe_anchoring())
        if not report.intact:
            raise CommandError("\n".join(report.problems()))
        self.stdout.write(_("The audit trail is intact: %(count)d records checked.") % {"count": report.checked})

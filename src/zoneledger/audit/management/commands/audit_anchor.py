from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from zoneledger.audit.anchors import AnchorUnavailable
from zoneledger.audit.services import write_checkpoints
from zoneledger.core.commands import BaseCommand


class Command(BaseCommand):
    help = (
        "Append a signed checkpoint of each audit chain's head to the anchor file now "
        "(the worker does it every ZONELEDGER_AUDIT_ANCHOR_MINUTES); fails naming any chain it refuses to anchor."
    )

    def handle(self, *args, **options):
        try:
            run = write_checkpoints()
        except AnchorUnavailable as error:
            raise CommandError(str(error)) from error
        for anchor in run.written:
            self.stdout.write(
                _("Chain %(chain)s anchored at position %(position)d.")
                % {"chain": anchor.chain or _("national"), "position": anchor.sequence}
            )
        if run.refused:
            raise CommandError("\n".join(chain.describe() for chain in run.refused))
        if not run.written:
            self.stdout.write(_("No chain has moved since its last checkpoint."))

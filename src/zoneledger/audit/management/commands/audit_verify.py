from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from zoneledger.audit.services import verify_chain
from zoneledger.core.commands import BaseCommand


class Command(BaseCommand):
    help = "Verify the audit trail's hash chain; exits with an error naming the first altered record."

    def handle(self, *args, **options):
        report = verify_chain()
        if report.broken_at == -1:
            raise CommandError(
                _("The audit chain is broken: its %(count)d records are intact, but newer records were removed.")
                % {"count": report.checked}
            )
        if not report.intact:
            raise CommandError(
                _("The audit chain is broken at record %(id)d: it, or the record before it, was changed or removed.")
                % {"id": report.broken_at}
            )
        self.stdout.write(_("The audit chain is intact: %(count)d records checked.") % {"count": report.checked})

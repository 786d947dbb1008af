from django.core.management.base import CommandError
from django.utils import translation
from django.utils.translation import gettext as _

from zoneledger.accounts.models import User
from zoneledger.core.commands import BaseCommand
from zoneledger.ingest.columns import LEDGER_SHEET, MONTHLY_SHEET
from zoneledger.ingest.importer import import_workbook


class Command(BaseCommand):
    help = "Import a ledger workbook (.xlsx, .xls or .ods) as a user; all rows or nothing."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--as", dest="username", required=True, help="the user the import is made as")
        parser.add_argument("--dry-run", action="store_true", help="check every row and report, but write nothing")
        parser.add_argument("--lang", choices=["zh-hans", "en"], default="zh-hans")
        parser.add_argument(
            "--approve",
            action="store_true",
            help="a reviewer approves the monthly sheet's months in the same step (else they arrive submitted)",
        )

    def handle(self, *args, file, username, dry_run, lang, approve=False, **options):
        with translation.override(lang):
            user = User.objects.filter(username=username, is_active=True).first()
            if user is None:
                raise CommandError(_("--as: there is no active user called “%(name)s”.") % {"name": username})
            if approve and not user.can_review:
                raise CommandError(_("--approve: only a reviewer may approve monthly reports."))
            result = import_workbook(file=file, user=user, dry_run=dry_run, language=lang, approve=approve)
            for sheet in (LEDGER_SHEET, MONTHLY_SHEET):
                self.stdout.write(
                    _("%(sheet)s: %(created)d created, %(updated)d updated, %(unchanged)d unchanged")
                    % {
                        "sheet": sheet,
                        "created": result.count("created", sheet),
                        "updated": result.count("updated", sheet),
                        "unchanged": result.count("unchanged", sheet),
                    }
                )
            if not result.ok:
                for error in result.errors:
                    self.stderr.write(str(error))
                raise CommandError(
                    _("%(count)d errors; nothing was imported.") % {"count": len(result.errors)}, returncode=1
                )
            if dry_run:
                self.stdout.write(_("Dry run: the file can be imported; nothing was written."))
            else:
                self.stdout.write(_("Imported; %(events)d stage events added.") % {"events": result.events_added})

from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from zoneledger.core.backup import BackupError, restore
from zoneledger.core.commands import BaseCommand


class Command(BaseCommand):
    help = "Replace the whole database with the backup in FILE. Stop the server first."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--noinput", "--no-input", action="store_false", dest="interactive")

    def handle(self, *args, file, interactive, **options):
        if interactive:
            question = _("This replaces every record in the database with %(file)s. Type yes to go on: ")
            try:
                answer = input(question % {"file": file})
            except EOFError:  # no terminal to answer from (a script's closed input): not a yes
                answer = ""
            if answer.strip().lower() != "yes":
                raise CommandError(_("Restore cancelled."))
        try:
            pending = restore(file)
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(_("Restored from %(file)s.") % {"file": file})
        if pending:
            self.stdout.write(
                ngettext(
                    "The backup is of an earlier version: %(count)d migration is still to be applied. Run"
                    " “zoneledger migrate” before starting the server.",
                    "The backup is of an earlier version: %(count)d migrations are still to be applied. Run"
                    " “zoneledger migrate” before starting the server.",
                    len(pending),
                )
                % {"count": len(pending)}
            )

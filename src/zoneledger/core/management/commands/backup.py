from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from zoneledger.core.backup import BackupError, backup, backup_rotate
from zoneledger.core.commands import BaseCommand


class Command(BaseCommand):
    help = (
        "Back up the whole database to FILE (SQLite: online backup; PostgreSQL: pg_dump custom format), or with "
        "--into FOLDER --keep N to a time-stamped file there, keeping the newest N."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?")
        parser.add_argument("--into", metavar="FOLDER", help="back up into FOLDER under a time-stamped name")
        parser.add_argument("--keep", type=int, default=14, help="with --into: how many backups to keep (14)")

    def handle(self, *args, file, into, keep, **options):
        if (file is None) == (into is None):
            raise CommandError(_("Give either a FILE or --into FOLDER."))
        try:
            if into is None:
                path = backup(file)
            else:
                path, removed = backup_rotate(into, keep=keep)
                for old in removed:
                    self.stdout.write(_("Deleted the older backup %(file)s.") % {"file": old})
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(_("Backed up to %(file)s (%(size)d bytes).") % {"file": path, "size": path.stat().st_size})

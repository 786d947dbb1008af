from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from zoneledger.core.backup import BackupError, backup
from zoneledger.core.commands import BaseCommand


class Command(BaseCommand):
    help = "Back up the whole database to FILE (SQLite: online backup; PostgreSQL: pg_dump custom format)."

    def add_arguments(self, parser):
        parser.add_argument("file")

    def handle(self, *args, file, **options):
        try:
            path = backup(file)
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(_("Backed up to %(file)s (%(size)d bytes).") % {"file": path, "size": path.stat().st_size})

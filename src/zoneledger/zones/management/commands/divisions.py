from django.utils.translation import gettext as _

from zoneledger.core.commands import BaseCommand
from zoneledger.zones.models import Division
from zoneledger.zones.services import load_divisions


class Command(BaseCommand):
    help = "Load the national GB/T 2260 divisions (provinces, cities, counties) from python-stdnum; safe to rerun."

    def handle(self, *args, **options):
        before = Division.objects.count()
        in_use = load_divisions()
        self.stdout.write(
            _("%(in_use)d divisions in use; %(added)d added.")
            % {"in_use": in_use, "added": Division.objects.count() - before}
        )

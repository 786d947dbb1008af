from django.utils import translation
from django.utils.translation import gettext as _

from zoneledger.core.commands import BaseCommand
from zoneledger.ingest.writer import write_template_xlsx


class Command(BaseCommand):
    help = "Write an empty import template (.xlsx) with a 填报说明 sheet and drop-downs for zones and rounds."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--lang", choices=["zh-hans", "en"], default="zh-hans")

    def handle(self, *args, file, lang, **options):
        with translation.override(lang):
            write_template_xlsx(file=file)
            self.stdout.write(_("Wrote the import template to %(file)s.") % {"file": file})

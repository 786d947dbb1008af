import re

from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from zoneledger.accounts.models import User
from zoneledger.core.commands import BaseCommand
from zoneledger.ingest.writer import TooLarge, write_ledger_xlsx
from zoneledger.projects.models import Project
from zoneledger.zones.models import Zone


def scope_filter(scope):
    """Projects of a scope named as on the command line: 'province', a division code, or a zone's name."""
    if scope == "province":
        return {}
    if re.fullmatch(r"\d{6}", scope):
        city_or_county = Zone.objects.filter(city_id=scope).exists()
        return {"zone__city_id": scope} if city_or_county else {"zone__division_id": scope}
    zone = Zone.objects.filter(name=scope).first() or Zone.objects.filter(short_name=scope).first()
    if zone is None:
        raise CommandError(_("--scope: “%(value)s” is not a zone, a division code or “province”.") % {"value": scope})
    return {"zone": zone}


class Command(BaseCommand):
    help = "Export the ledger of a scope to an .xlsx workbook in the import template (both sheets)."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--scope", required=True, help="'province', a city or county code, or a zone's name")
        parser.add_argument("--as", dest="username", help="export only what this user may see")

    def handle(self, *args, file, scope, username, **options):
        projects = Project.objects.all()
        if username:
            user = User.objects.filter(username=username, is_active=True).first()
            if user is None:
                raise CommandError(_("--as: there is no active user called “%(name)s”.") % {"name": username})
            projects = Project.objects.visible_to(user)
        try:
            projects, months = write_ledger_xlsx(projects_queryset=projects.filter(**scope_filter(scope)), file=file)
        except TooLarge as refused:
            raise CommandError(str(refused)) from None
        self.stdout.write(
            _("Wrote %(projects)d projects and %(months)d monthly rows to %(file)s.")
            % {"projects": projects, "months": months, "file": file}
        )

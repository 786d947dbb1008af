"""`zoneledger export`: the ledger of a scope as a workbook of the import template, read through the scope door.

The operator at the console is trusted and reads as the nation (``province`` is then the home province,
`ZONELEDGER_HOME_PROVINCE`); `--as USER` exports as that user, within their scope. Every export is audited, in the
chain of the province whose data it holds.
"""

from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from zoneledger.accounts.choices import OrgKind, Role
from zoneledger.accounts.models import OrgUnit, User
from zoneledger.accounts.scope import ScopeNotFound, user_scope_in
from zoneledger.audit import services as audit
from zoneledger.audit.actions import Action
from zoneledger.core.commands import BaseCommand
from zoneledger.ingest.writer import TooLarge, write_ledger_xlsx
from zoneledger.projects.models import Project


class Command(BaseCommand):
    help = "Export the ledger of a scope to an .xlsx workbook in the import template (both sheets)."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument(
            "--scope", required=True, help="nation, province, a province's, city's or county's code, or a zone's name"
        )
        parser.add_argument("--as", dest="username", help="export as this user, within their scope")

    def handle(self, *args, file, scope, username, **options):
        user = self.reader(username)
        try:
            wanted = user_scope_in(user, scope)
        except ScopeNotFound as error:
            raise CommandError(f"--scope: {error}") from None
        projects = Project.objects.visible_to(user).filter(wanted.q("zone__", province="province_id"))
        try:
            projects, months = write_ledger_xlsx(projects_queryset=projects, file=file, scope_name=wanted.name)
        except TooLarge as refused:
            raise CommandError(str(refused)) from None
        audit.record(
            actor=user if user.pk else None,
            actor_name="" if user.pk else "command line",
            action=Action.EXPORT_COMMAND,
            province=wanted.province,
            after={"what": "ledger", "rows": projects, "monthly rows": months, "scope": wanted.as_json(), "file": file},
        )
        self.stdout.write(
            _("Wrote %(projects)d projects and %(months)d monthly rows to %(file)s.")
            % {"projects": projects, "months": months, "file": file}
        )

    def reader(self, username):
        """The user the export is made as: `--as USER`, else the console operator (an unsaved nation-wide viewer)."""
        if username is None:
            return User(username="console", org=OrgUnit.objects.get(kind=OrgKind.NATION), role=Role.VIEWER)
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(_("--as: there is no active user called “%(name)s”.") % {"name": username})
        return user

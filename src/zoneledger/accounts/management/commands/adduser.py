import sys

from django.utils.translation import gettext as _

from zoneledger.accounts.choices import Role
from zoneledger.accounts.services import org_by_reference, user_create
from zoneledger.core.commands import BaseCommand


class Command(BaseCommand):
    help = "Create a user: zoneledger adduser NAME --org ORG --role ROLE (the password is read from stdin)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--org", required=True, help="province, a city's division code, or a zone's name")
        parser.add_argument("--role", required=True, choices=Role.values)
        parser.add_argument("--display-name", default="")

    def handle(self, *args, username, org, role, display_name, **options):
        password = sys.stdin.readline().rstrip("\n")
        user = user_create(
            actor=None,
            username=username,
            org=org_by_reference(org),
            role=role,
            password=password,
            display_name=display_name,
        )
        self.stdout.write(
            _("Created %(user)s: %(role)s of %(org)s.")
            % {"user": user.username, "role": user.get_role_display(), "org": user.org}
        )

"""`zoneledger token create USER --name N [--expires DAYS] [--read-only]`: a personal API token, printed once."""

from django.utils.translation import gettext as _

from zoneledger.accounts.tokens import token_create, user_for
from zoneledger.core.commands import BaseCommand


class Command(BaseCommand):
    help = "Make an API token: zoneledger token create USER --name NAME [--expires DAYS] [--read-only]."

    def add_arguments(self, parser):
        parser.add_argument("verb", choices=["create"])
        parser.add_argument("username")
        parser.add_argument("--name", required=True, help="what the token is for")
        parser.add_argument("--expires", type=int, metavar="DAYS", help="valid for this many days (default: no end)")
        parser.add_argument("--read-only", action="store_true", help="the token only reads")

    def handle(self, *args, verb, username, name, expires, read_only, **options):
        token, secret = token_create(
            actor=None, user=user_for(username), name=name, expires_days=expires, read_only=read_only
        )
        self.stderr.write(
            _("API token “%(name)s” of %(user)s; copy it now, it is not shown again:")
            % {"name": token.name, "user": token.user.username}
        )
        self.stdout.write(secret)

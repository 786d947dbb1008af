from django.conf import settings
from django.core.management import call_command
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from zoneledger.accounts.choices import ADMINISTRATOR_ROLES
from zoneledger.core.commands import BaseCommand, aligned
from zoneledger.core.server import serve, worker_alongside
from zoneledger.demo.builder import DEMO_PASSWORD, ensure_demo_users, load_demo, load_demo_reports
from zoneledger.demo.live import load_live
from zoneledger.demo.problems import load_demo_problems


class Command(BaseCommand):
    help = (
        "Migrate, load the demo ledger, create one user per role and scope, and serve on 127.0.0.1:8000 with a "
        "background worker beside the server (imports run on it)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--no-serve", action="store_true", help="do everything but serve")
        parser.add_argument("--bind", default="127.0.0.1:8000")
        parser.add_argument("--lang", choices=["zh-hans", "en"], default="zh-hans", help="the language of this output")

    def handle(self, *args, no_serve, bind, lang, **options):
        with translation.override(lang):
            self.build(bind=bind)
        if not no_serve:
            self.stdout.flush()
            with worker_alongside():
                serve(bind=bind, workers=2, threads=4)

    def build(self, *, bind):
        """Migrate, load the ledger once, reset the demo users, and say how to log in."""
        call_command("migrate", interactive=False, verbosity=0)
        counts = load_demo()
        if counts is None:
            self.stdout.write(_("The demo ledger is already loaded; leaving it as it is."))
        else:
            self.stdout.write(
                _("Loaded the demo ledger: %(projects)s projects, %(events)s stage events, %(months)s monthly reports.")
                % {"projects": counts[0], "events": counts[1], "months": counts[2]}
            )
        users = ensure_demo_users()
        load_demo_problems()
        load_demo_reports()
        today = timezone.localdate()
        if added := load_live(today):
            self.stdout.write(
                _(
                    "Added the live year %(year)s: %(projects)s projects, reports, problems and targets dated from "
                    "today."
                )
                % {"year": today.year, "projects": added}
            )
        self.stdout.write("\n" + _("Database: %(name)s") % {"name": settings.DATABASES["default"]["NAME"]})
        self.stdout.write(
            _("Log in at http://%(bind)s/ with the password %(password)s as:")
            % {"bind": bind, "password": DEMO_PASSWORD}
        )
        for line in aligned((username, str(role.label), org_name) for username, org_name, role, _name in users):
            self.stdout.write(f"  {line}")
        administrators = [username for username, _org, role, _name in users if role in ADMINISTRATOR_ROLES]
        self.stdout.write(
            "\n"
            + _(
                "%(users)s need a second factor: at the first log-in the page shows a QR code and its secret. Scan it "
                "with an authenticator app (TOTP), or give the secret to any TOTP tool (oathtool --totp -b SECRET), "
                "and type the six-digit code it shows."
            )
            % {"users": ", ".join(administrators)}
        )

from django.conf import settings
from django.core.management import call_command

from zoneledger.core.commands import BaseCommand
from zoneledger.core.server import serve, worker_alongside
from zoneledger.demo.builder import DEMO_PASSWORD, ensure_demo_users, load_demo


class Command(BaseCommand):
    help = (
        "Migrate, load the demo ledger, create one user per role and scope, and serve on 127.0.0.1:8000 with a "
        "background worker beside the server (imports run on it)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--no-serve", action="store_true", help="do everything but serve")
        parser.add_argument("--bind", default="127.0.0.1:8000")

    def handle(self, *args, no_serve, bind, **options):
        call_command("migrate", interactive=False, verbosity=0)
        counts = load_demo()
        if counts is None:
            self.stdout.write("The demo ledger is already loaded; leaving it as it is.")
        else:
            self.stdout.write(
                f"Loaded the demo ledger: {counts[0]} projects, {counts[1]} stage events, {counts[2]} monthly reports."
            )
        users = ensure_demo_users()
        self.stdout.write(f"\nDatabase: {settings.DATABASES['default']['NAME']}")
        self.stdout.write(f"Log in at http://{bind}/ with password {DEMO_PASSWORD} as:")
        for username, org_name, role, _display in users:
            self.stdout.write(f"  {username:<20} {role.label:<28} {org_name}")
        if not no_serve:
            self.stdout.flush()
            with worker_alongside():
                serve(bind=bind, workers=2, threads=4)

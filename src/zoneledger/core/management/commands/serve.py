from zoneledger.core.commands import BaseCommand
from zoneledger.core.server import serve


class Command(BaseCommand):
    help = "Serve zoneledger with gunicorn on the configured database (production server, not runserver)."

    def add_arguments(self, parser):
        parser.add_argument("--bind", default="127.0.0.1:8000", help="address:port (default 127.0.0.1:8000)")
        parser.add_argument("--workers", type=int, default=2)
        parser.add_argument("--threads", type=int, default=4)

    def handle(self, *args, bind, workers, threads, **options):
        serve(bind=bind, workers=workers, threads=threads)

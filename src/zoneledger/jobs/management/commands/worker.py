from django.conf import settings
from django.core.management.base import CommandError

from zoneledger.core.commands import BaseCommand
from zoneledger.jobs.worker import Worker


class Command(BaseCommand):
    help = (
        "Run the background jobs (imports, periodic tasks) queued in the database, a bounded number at a time, "
        "until SIGTERM or Ctrl+C (which let the running jobs finish; a second one stops at once)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--concurrency",
            type=int,
            default=settings.ZONELEDGER_WORKER_CONCURRENCY,
            help="how many jobs run at once (default: ZONELEDGER_WORKER_CONCURRENCY, %(default)s)",
        )
        parser.add_argument("--interval", type=float, default=1.0, help="seconds between looks at an empty queue")

    def handle(self, *args, concurrency, interval, **options):
        if concurrency < 1:
            raise CommandError("--concurrency must be 1 or more.")
        if interval <= 0:
            raise CommandError("--interval must be more than 0.")
        Worker(concurrency=concurrency, interval=interval).run()

from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from zoneledger.core.commands import BaseCommand
from zoneledger.ops.deploy import deploy_problems


class Command(BaseCommand):
    help = (
        "Check this production configuration (secret key, hosts, TLS, database, worker, backup folder) with the "
        "service's environment; print each problem plainly and exit 1 if there is any."
    )

    def handle(self, *args, **options):
        problems = deploy_problems()
        for problem in problems:
            self.stdout.write(f"✗ {problem}")
        if problems:
            raise CommandError(
                ngettext(
                    "%(count)d problem: not ready for production.",
                    "%(count)d problems: not ready for production.",
                    len(problems),
                )
                % {"count": len(problems)}
            )
        self.stdout.write(_("Ready for production: every check passed."))

import json

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from zoneledger.accounts.commands import acting_user
from zoneledger.accounts.scope import user_scope_in
from zoneledger.core.commands import BaseCommand
from zoneledger.core.money import parse_wan
from zoneledger.progress import selectors, services
from zoneledger.progress.choices import ReportState
from zoneledger.projects.commands import project_named, project_reference

from ._common import option_month


class Command(BaseCommand):
    help = (
        "Monthly reports: `progress submit --project REF --month YYYY-MM --amount N [--progress TEXT] --as USER`, "
        "`progress review --project REF --month YYYY-MM (--approve | --return REASON) --as USER`, "
        "`progress list --scope SCOPE --month YYYY-MM --as USER [--format json]`."
    )

    def add_arguments(self, parser):
        verbs = parser.add_subparsers(dest="verb", required=True)
        submit = verbs.add_parser("submit", help="submit a month's report")
        submit.add_argument("--amount", required=True, help="万元, at most two decimals")
        submit.add_argument("--progress", default="", help="形象进度")
        review = verbs.add_parser("review", help="approve or return a submitted report")
        decision = review.add_mutually_exclusive_group(required=True)
        decision.add_argument("--approve", action="store_true")
        decision.add_argument("--return", dest="reason", help="the reason for returning it")
        listing = verbs.add_parser("list", help="the projects that must report a month and their state")
        listing.add_argument("--scope", default="", help="province, a division code or a zone's name")
        listing.add_argument("--format", choices=["text", "json"], default="text")
        for verb in (submit, review):
            verb.add_argument("--project", required=True, help="a project's national code or id")
        for verb in (submit, review, listing):
            verb.add_argument("--month", required=True, help="YYYY-MM")
            verb.add_argument("--as", dest="username", required=True)

    def handle(self, *args, verb, username, month, **options):
        user = acting_user(username)
        month = option_month(month)
        if verb == "list":
            self._list(user, month, options)
            return
        project = project_named(user, options["project"])
        if verb == "submit":
            try:
                amount = parse_wan(options["amount"])
            except ValidationError:
                raise CommandError(
                    _("--amount: “%(value)s” is not an amount.") % {"value": options["amount"]}
                ) from None
            version = services.progress_submit(
                actor=user, project=project, month=month, amount=amount, physical_progress=options["progress"]
            )
            self.stdout.write(
                _("Submitted %(report)s: %(amount)s 万元.") % {"report": version, "amount": version.amount}
            )
            return
        version = (
            selectors.project_versions(user=user, project=project)
            .filter(month=month, state=ReportState.SUBMITTED)
            .first()
        )
        if version is None:
            raise CommandError(_("No report of %(month)s waits for review.") % {"month": f"{month:%Y-%m}"})
        if options["approve"]:
            services.progress_approve(actor=user, version=version)
            self.stdout.write(_("Approved %(report)s.") % {"report": version})
        else:
            services.progress_return(actor=user, version=version, reason=options["reason"])
            self.stdout.write(_("Returned %(report)s.") % {"report": version})

    def _list(self, user, month, options):
        scope = user_scope_in(user, options["scope"]) if options["scope"] else None
        rows = selectors.month_rows(user=user, month=month, scope=scope)
        document = [
            {
                "project": project_reference(row.project),
                "state": row.state,
                "amount_wan": None if row.amount is None else f"{row.amount:.2f}",
            }
            for row in rows
        ]
        if options["format"] == "json":
            self.stdout.write(json.dumps(document, ensure_ascii=False))
            return
        for item, row in zip(document, rows, strict=True):
            self.stdout.write(
                f"{item['project']:<26} {item['state']:<10} {item['amount_wan'] or '—':>14}  {row.project.name}"
            )

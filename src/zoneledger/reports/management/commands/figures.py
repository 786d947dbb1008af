"""`zoneledger figures`: the figures of a scope and period as JSON, the year summary as text, or the bulletin
(a workbook, or the 通报 as a .docx or a PDF).

The operator at the console is trusted and reads as a nation-wide viewer (``province`` is then the home province,
`ZONELEDGER_HOME_PROVINCE`); `--as USER` computes as that user instead, with their scope (a scope they cannot see
is reported as missing). Scopes are read by the scope door (accounts/scope.py).
"""

import json

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from zoneledger.accounts.choices import OrgKind, Role
from zoneledger.accounts.models import OrgUnit, User
from zoneledger.accounts.scope import ScopeNotFound, user_scope_in
from zoneledger.core.commands import BaseCommand, option_date, option_moment
from zoneledger.core.errors import NotFound
from zoneledger.core.office import OfficeUnavailable
from zoneledger.reports.bulletin import write_bulletin_xlsx
from zoneledger.reports.document import write_bulletin_docx, write_bulletin_pdf
from zoneledger.reports.figures import (
    BREAKDOWN_KEYS,
    batch_figures,
    figures_document,
    period_for,
    summary_sentences,
)

WRITERS = {"xlsx": write_bulletin_xlsx, "docx": write_bulletin_docx, "pdf": write_bulletin_pdf}


def console_reader():
    """The console operator: an unsaved nation-wide viewer, so figures still pass through `visible_to`."""
    return User(username="console", org=OrgUnit.objects.get(kind=OrgKind.NATION), role=Role.VIEWER)


class Command(BaseCommand):
    help = (
        "Figures of a scope and period: zoneledger figures --scope SCOPE (--year YYYY | --round YYYY-N) "
        "[--as-of YYYY-MM-DD] [--known-at ISO-DATETIME] [--format json|text|xlsx|docx|pdf] [--output FILE]."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--scope", required=True, help="nation, province, a province's, city's or county's code, or a zone's name"
        )
        period = parser.add_mutually_exclusive_group(required=True)
        period.add_argument("--year", help="a year: all its rounds")
        period.add_argument("--round", help="one round, e.g. 2023-4")
        parser.add_argument("--as-of", help="count events dated up to this day (default: today)")
        parser.add_argument("--known-at", help="the ledger as it stood at this moment (reproduces a bulletin)")
        parser.add_argument("--format", choices=["json", "text", *WRITERS], default="json")
        parser.add_argument("--by", choices=list(BREAKDOWN_KEYS), help="add a breakdown to the JSON")
        parser.add_argument("--output", help="write to this file (required for xlsx, docx and pdf)")
        parser.add_argument("--as", dest="username", help="compute as this user, within their scope")

    def handle(self, *args, **options):
        user = self.reader(options["username"])
        try:
            scope = user_scope_in(user, options["scope"])
        except ScopeNotFound as error:
            raise CommandError(f"--scope: {error}") from None
        period = self.period(options["year"], options["round"], user=user, province=scope.province)
        as_of = option_date(options["as_of"], option="--as-of") if options["as_of"] else None
        known_at = option_moment(options["known_at"], option="--known-at") if options["known_at"] else None
        output, kind = options["output"], options["format"]
        if kind in WRITERS:
            if not output:
                raise CommandError(_("--output: give the file to write the bulletin to."))
            try:
                WRITERS[kind](user=user, scope=scope, period=period, as_of=as_of, known_at=known_at, file=output)
            except OfficeUnavailable as error:
                raise CommandError(str(error)) from None
            self.stdout.write(_("Wrote the bulletin to %(file)s.") % {"file": output})
            return
        if kind == "text":
            figures = batch_figures(user=user, scope=scope, period=period, as_of=as_of, known_at=known_at)
            text = "\n".join(summary_sentences(figures))
        else:
            document = figures_document(
                user=user, scope=scope, period=period, as_of=as_of, known_at=known_at, by=options["by"]
            )
            text = json.dumps(document, ensure_ascii=False, indent=2)
        if output:
            with open(output, "w", encoding="utf-8") as file:
                file.write(text + "\n")
        else:
            self.stdout.write(text)

    def reader(self, username):
        if username is None:
            return console_reader()
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(_("--as: there is no user “%(value)s”.") % {"value": username})
        return user

    def period(self, year, label, *, user, province):
        try:
            return period_for(user=user, province=province, year=year, round=label)
        except ValidationError as error:
            field = "--year" if year is not None else "--round"
            raise CommandError(f"{field}: {' '.join(error.messages)}") from None
        except NotFound as error:
            raise CommandError(f"--round: {error}") from None

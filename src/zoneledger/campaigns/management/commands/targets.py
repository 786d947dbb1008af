from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from zoneledger.accounts.commands import acting_user
from zoneledger.accounts.scope import user_scope_in
from zoneledger.campaigns import selectors
from zoneledger.campaigns.services import TARGET_FIELDS, TargetFigures, target_set
from zoneledger.core.commands import BaseCommand
from zoneledger.core.money import format_wan, parse_wan, percent_text

OPTIONS = {
    "signed_count": "--signed-count",
    "signed_investment": "--signed-investment",
    "start_rate": "--start-rate",
    "completed": "--completed",
}


def _figure(name, text):
    """A figure typed after its option: a count, an amount of 万元 or a percentage; a CommandError naming it."""
    try:
        if name == "signed_count":
            return int(text)
        if name == "start_rate":
            return Decimal(text)
        return parse_wan(text)
    except (ValueError, InvalidOperation, ValidationError):
        raise CommandError(
            _("%(option)s: “%(value)s” is not a number.") % {"option": OPTIONS[name], "value": text}
        ) from None


class Command(BaseCommand):
    help = (
        "Year targets: `targets set --scope S --year Y [--signed-count N] [--signed-investment 万元] "
        "[--start-rate %] [--completed 万元] --as USER` changes the figures given (the others stay; an empty value "
        "clears one); `targets show --scope S --year Y --as USER`."
    )

    def add_arguments(self, parser):
        verbs = parser.add_subparsers(dest="verb", required=True)
        setting = verbs.add_parser("set", help="set a scope's year target")
        showing = verbs.add_parser("show", help="show a scope's year target")
        for verb in (setting, showing):
            verb.add_argument("--scope", required=True, help="a province's or city's code, or a zone's name")
            verb.add_argument("--year", type=int, required=True)
            verb.add_argument("--as", dest="username", required=True)
        for name, option in OPTIONS.items():
            setting.add_argument(option, dest=name)

    def handle(self, *args, verb, scope, year, username, **options):
        user = acting_user(username)
        where = user_scope_in(user, scope)
        current = selectors.target_get(user=user, scope=where, year=year)
        if verb == "set":
            figures = {name: getattr(current, name) if current else None for name in TARGET_FIELDS}
            for name in TARGET_FIELDS:
                if options.get(name) is not None:
                    figures[name] = _figure(name, options[name]) if options[name].strip() else None
            current = target_set(
                actor=user,
                scope=where,
                year=year,
                figures=TargetFigures(**figures),
                expected_version=current.version if current else 0,
            )
        self.stdout.write(f"{where.name} {year}")
        for name, option in OPTIONS.items():
            value = getattr(current, name) if current else None
            self.stdout.write(f"  {option[2:]}: {_shown(name, value)}")


def _shown(name, value):
    if value is None:
        return "—"
    if name == "start_rate":
        return percent_text(value, 2)
    return str(value) if name == "signed_count" else format_wan(value)

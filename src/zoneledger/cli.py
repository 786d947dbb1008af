"""The `zoneledger` console script: every verb is a Django management command."""

import os
import sys

# The verbs that build the database's tables themselves: a failure of theirs is never "not set up yet".
SETTING_UP = {"demo", "migrate", "restore"}
# Verbs spelt with a hyphen at the console; Django's command modules cannot be.
ALIASES = {"check-deploy": "check_deploy"}


def main(argv=None):
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zoneledger.settings")
    from django.core.management import execute_from_command_line
    from django.db import DatabaseError

    arguments = list(sys.argv[1:] if argv is None else argv)
    if arguments:
        arguments[0] = ALIASES.get(arguments[0], arguments[0])
    try:
        execute_from_command_line(["zoneledger", *arguments])
    except DatabaseError:
        if arguments[:1] and arguments[0] not in SETTING_UP and _unapplied_migrations():
            sys.exit(_not_set_up_message())
        raise


def _unapplied_migrations():
    """The migrations the database has not had, in the order they would run."""
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    return executor.migration_plan(executor.loader.graph.leaf_nodes())


def _not_set_up_message():
    """How to set the database up, in both languages: the command failed before any --lang of its own applied."""
    from django.db import connection
    from django.utils import translation
    from django.utils.translation import gettext as _

    lines = []
    for language in ("zh-hans", "en"):
        with translation.override(language):
            lines.append(
                _(
                    "The database %(database)s is not set up yet: run ./run demo for the demo ledger,"
                    " or ./run migrate for an empty one."
                )
                % {"database": connection.settings_dict["NAME"]}
            )
    return "\n".join(lines)


if __name__ == "__main__":
    main()

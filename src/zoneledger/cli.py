"""The `zoneledger` console script: every verb is a Django management command."""

import os
import sys


def main(argv=None):
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zoneledger.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["zoneledger", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":
    main()

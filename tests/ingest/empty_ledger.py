"""Import a workbook into a new, empty database and export it again (run by test_roundtrip in a subprocess).

    python -m tests.ingest.empty_ledger IN.xlsx OUT.xlsx     (with ZONELEDGER_DATA_DIR set to an empty folder)

The new database gets the reference data only — divisions, zones, rounds, chains, org units and the demo
users — then `zoneledger import --approve` as the province reviewer and `zoneledger export --scope province`.
Prints the ledger's figures as JSON, for the test to compare with the database the workbook came from.
"""

import json
import os
import sys
from datetime import date

AS_OF = date(2025, 12, 31)


def ledger_figures(user):
    """The province's batch figures for each year with rounds, as the figures command reports them."""
    from zoneledger.accounts.scope import user_scope_in
    from zoneledger.campaigns.models import Round
    from zoneledger.reports.figures import Period, batch_figures, figures_json

    scope = user_scope_in(user, "province")
    years = sorted(set(Round.objects.values_list("year", flat=True)))
    return {
        year: figures_json(batch_figures(user=user, scope=scope, period=Period(year), as_of=AS_OF)) for year in years
    }


def main(source, target):
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zoneledger.settings")
    import django

    django.setup()
    from django.core.management import call_command

    from zoneledger.accounts.models import User
    from zoneledger.demo.builder import DemoBuilder, build_orgs, ensure_demo_users
    from zoneledger.projects.models import Project

    call_command("migrate", verbosity=0)
    assert not Project.objects.exists(), "the database must start empty"
    DemoBuilder().build_reference()
    build_orgs()
    ensure_demo_users()
    call_command("import", source, "--as", "province-reviewer", "--approve", stdout=sys.stderr)
    call_command("export", target, "--scope", "province", stdout=sys.stderr)
    print(json.dumps(ledger_figures(User.objects.get(username="province-admin")), ensure_ascii=False))


if __name__ == "__main__":
    main(*sys.argv[1:])

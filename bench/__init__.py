"""Benchmarks (not run in CI): each prints a ratio against a baseline measured in the same run."""

import os
import sys
import tempfile
from pathlib import Path


def demo_database(name: str) -> None:
    """Django set up on a fresh SQLite database in a temporary folder, holding the demo ledger, its orgs and users."""
    os.environ.pop("DATABASE_URL", None)
    os.environ["ZONELEDGER_DATA_DIR"] = tempfile.mkdtemp(prefix=f"zl-bench-{name}-")
    os.environ["DJANGO_SETTINGS_MODULE"] = "zoneledger.settings"
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0, skip_checks=True)
    from zoneledger.demo.builder import build_orgs, ensure_demo_users, load_demo

    load_demo()
    build_orgs()
    ensure_demo_users()

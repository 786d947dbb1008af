"""The zh-Hans catalogue is complete: every source string is in it, translated, not fuzzy, and compiled."""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "zoneledger"
CATALOGUE = PACKAGE / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
COMPILED = CATALOGUE.with_suffix(".mo")


@pytest.fixture(scope="module")
def catalogue():
    return polib.pofile(str(CATALOGUE))


def label(entry):
    return repr(entry.msgid if not entry.msgctxt else f"{entry.msgctxt}|{entry.msgid}")


def test_no_string_is_left_untranslated(catalogue):
    untranslated = [label(entry) for entry in catalogue.untranslated_entries() if not entry.obsolete]

    assert not untranslated, f"{len(untranslated)} untranslated: {', '.join(untranslated)}"


def test_no_translation_is_a_fuzzy_guess(catalogue):
    fuzzy = [label(entry) for entry in catalogue.fuzzy_entries()]

    assert not fuzzy, f"{len(fuzzy)} fuzzy: {', '.join(fuzzy)}"


def test_every_plural_form_is_filled(catalogue):
    empty = [label(entry) for entry in catalogue if entry.msgid_plural and not all(entry.msgstr_plural.values())]

    assert not empty


def test_the_compiled_catalogue_matches_the_source(catalogue):
    compiled = {(entry.msgctxt, entry.msgid): entry.msgstr or entry.msgstr_plural for entry in polib.mofile(COMPILED)}
    source = {
        (entry.msgctxt, entry.msgid): entry.msgstr or entry.msgstr_plural
        for entry in catalogue.translated_entries()
        if not entry.obsolete
    }

    assert compiled == source


def test_every_string_in_the_code_is_in_the_catalogue(tmp_path):
    # makemessages writes into the tree it scans, so it scans a copy; its options are those of scripts/messages.
    copy = tmp_path / "zoneledger"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__", "vendor"))
    (copy / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po").unlink()
    subprocess.run(
        [
            Path(sys.executable).with_name("django-admin"),
            "makemessages",
            "-l",
            "zh_Hans",
            "--no-location",
            "--ignore",
            "static/*",
        ],
        cwd=copy,
        check=True,
        capture_output=True,
    )
    in_code = {entry.msgid for entry in polib.pofile(str(copy / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"))}
    in_catalogue = {entry.msgid for entry in polib.pofile(str(CATALOGUE)) if not entry.obsolete}

    missing = sorted(in_code - in_catalogue)
    assert not missing, f"run scripts/messages: {missing}"


def test_translation_functions_go_by_names_makemessages_reads():
    # makemessages extracts _() and the gettext functions by name; under any other alias a string is silently lost.
    aliased = [
        f"{path.relative_to(PACKAGE)}: {match[0]}"
        for path in PACKAGE.rglob("*.py")
        for match in re.finditer(r"\b(\w*gettext\w*) as (?!_\b)\w+", path.read_text(encoding="utf-8"))
    ]

    assert not aliased, aliased

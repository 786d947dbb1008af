"""Fill a .po catalogue's empty translations from JSON files and report what is still untranslated."""

import json
import sys

import polib


def main(catalogue_path, *json_paths):
    catalogue = polib.pofile(catalogue_path)
    translations = {}
    for path in json_paths:
        with open(path, encoding="utf-8") as handle:
            translations.update(json.load(handle))
    filled = 0
    for entry in catalogue:
        if entry.msgid in translations and (not entry.translated() or "fuzzy" in entry.flags):
            if entry.msgid_plural:
                # zh-Hans has one plural form: the JSON's text serves every count.
                entry.msgstr_plural = dict.fromkeys(entry.msgstr_plural or [0], translations[entry.msgid])
            else:
                entry.msgstr = translations[entry.msgid]
            if "fuzzy" in entry.flags:
                entry.flags.remove("fuzzy")
            filled += 1
    catalogue.save()
    missing = [entry.msgid for entry in catalogue if not entry.translated() and not entry.obsolete]
    print(f"filled {filled}; untranslated {len(missing)}")
    for msgid in missing:
        print(f"  {msgid!r}")


if __name__ == "__main__":
    main(*sys.argv[1:])

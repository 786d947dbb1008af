"""zoneledger approvals import|list|template: the approval platform's workbook and the approval items, as a user.

    zoneledger approvals import FILE --as USER [--dry-run] [--lang en]
    zoneledger approvals list --scope SCOPE [--unmatched] --as USER --format json
    zoneledger approvals template FILE

The import prints its errors as the ledger's import does (sheet · row · column: message) and exits 1 on any, with
nothing written. The command lives beside the ledger's import because the approvals app sits below ingest, whose
workbook reading it uses (docs/ARCHITECTURE.md).
"""

import json

from django.core.management.base import CommandError
from django.utils import translation
from django.utils.translation import gettext as _

from zoneledger.accounts.commands import acting_user
from zoneledger.accounts.scope import user_scope_in
from zoneledger.approvals import selectors
from zoneledger.approvals.schemas import ApprovalOut
from zoneledger.core.commands import BaseCommand

from ...approvals import import_approvals, write_approvals_template


class Command(BaseCommand):
    help = "Import the approval platform's workbook, list approval items (JSON), or write the workbook's template."

    def add_arguments(self, parser):
        verbs = parser.add_subparsers(dest="verb", required=True)
        importing = verbs.add_parser("import", help="import the platform's workbook; all rows or nothing")
        importing.add_argument("file")
        importing.add_argument("--as", dest="username", required=True, help="the user the import is made as")
        importing.add_argument("--dry-run", action="store_true", help="check every row and report; write nothing")
        importing.add_argument("--lang", choices=["zh-hans", "en"], default="zh-hans")
        listing = verbs.add_parser("list", help="the approval items of a scope")
        listing.add_argument("--scope", required=True, help="province, a division code or a zone's name")
        listing.add_argument("--unmatched", action="store_true", help="only the items waiting for their project")
        listing.add_argument("--as", dest="username", required=True)
        listing.add_argument("--format", choices=["json"], default="json")
        template = verbs.add_parser("template", help="write the empty workbook with its 填报说明")
        template.add_argument("file")

    def handle(self, *args, verb, **options):
        getattr(self, f"handle_{verb}")(**options)

    def handle_import(self, *, file, username, dry_run, lang, **options):
        with translation.override(lang):
            user = acting_user(username)
            result = import_approvals(file=file, user=user, dry_run=dry_run, language=lang)
            if not result.ok:
                for error in result.errors:
                    self.stderr.write(str(error))
                raise CommandError(
                    _("%(count)d errors; nothing was imported.") % {"count": len(result.errors)}, returncode=1
                )
            self.stdout.write(result.summary())
            if dry_run:
                self.stdout.write(_("Dry run: the file can be imported; nothing was written."))

    def handle_list(self, *, scope, unmatched, username, **options):
        user = acting_user(username)
        items = selectors.approval_list(user=user, scope=user_scope_in(user, scope), unmatched=unmatched)
        document = [ApprovalOut.from_orm(item).model_dump(mode="json") for item in items]
        self.stdout.write(json.dumps(document, ensure_ascii=False))

    def handle_template(self, *, file, **options):
        write_approvals_template(file=file)
        self.stdout.write(_("Wrote the import template to %(file)s.") % {"file": file})

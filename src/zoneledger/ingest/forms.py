"""The upload form of the import page."""

from pathlib import Path

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from .reader import DEFAULT_MAX_BYTES

SPREADSHEET_SUFFIXES = (".xlsx", ".xls", ".ods")


def max_upload_bytes():
    return getattr(settings, "ZONELEDGER_IMPORT_MAX_BYTES", DEFAULT_MAX_BYTES)


class WorkbookForm(forms.Form):
    """A workbook upload: refused here when it is not a spreadsheet by its name or too large; the importer checks
    what is in it."""

    file = forms.FileField(
        label=_("Ledger workbook"),
        help_text=_("An .xlsx, .xls or .ods file with the sheet 项目台账 (and optionally 月度投资)."),
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(SPREADSHEET_SUFFIXES)}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if Path(upload.name).suffix.lower() not in SPREADSHEET_SUFFIXES:
            raise forms.ValidationError(
                _("“%(name)s” is not a workbook: upload an .xlsx, .xls or .ods file."), params={"name": upload.name}
            )
        limit = max_upload_bytes()
        if upload.size > limit:
            raise forms.ValidationError(
                _("“%(name)s” is larger than %(limit)s MB; split it into smaller workbooks."),
                params={"name": upload.name, "limit": limit // (1024 * 1024)},
            )
        return upload


class UploadForm(WorkbookForm):
    """A ledger workbook in the template (sheets 项目台账, 月度投资)."""

    approve = forms.BooleanField(
        label=_("Approve the monthly sheet's months as I import them (reviewers only)"),
        help_text=_("Without it the months arrive submitted, for a reviewer to approve."),
        required=False,
    )


class ApprovalsUploadForm(WorkbookForm):
    """The approval platform's workbook: one sheet of items (ingest/approvals.py)."""

    file = forms.FileField(
        label=_("Approval platform workbook"),
        help_text=_("An .xlsx, .xls or .ods file with one sheet of approval items, as the platform exports it."),
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(SPREADSHEET_SUFFIXES)}),
    )
    dry_run = forms.BooleanField(label=_("Only check the file; write nothing"), required=False)

"""Text that must fit a spreadsheet cell: the ledger's export writes each text field into one.

A cell holds 32,767 characters as Excel counts them, in UTF-16 code units: a character outside the Basic
Multilingual Plane (CJK Extension B, say) counts twice.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

CELL_CHARACTERS = 32_767


def cell_length(text: str) -> int:
    """`text`'s length as a cell counts it (UTF-16 code units)."""
    return len(text.encode("utf-16-le")) // 2


def validate_fits_a_cell(text: str) -> None:
    """Refuse text a spreadsheet cell cannot hold, so that no export has to cut it."""
    # A text of at most half the limit fits whatever its characters: the encoding is skipped for it.
    if len(text) > CELL_CHARACTERS // 2 and (length := cell_length(text)) > CELL_CHARACTERS:
        raise ValidationError(
            _("The text has %(length)s characters, more than a cell holds (%(limit)s)."),
            code="longer_than_a_cell",
            params={"length": f"{length:,}", "limit": f"{CELL_CHARACTERS:,}"},
        )

"""Office files to PDF through LibreOffice headless: the one real engine for .docx and .xlsx pages.

    pdf_paths = convert_to_pdf([docx_path, xlsx_path], outdir=folder)

Each call starts LibreOffice with a profile of its own in a temporary folder, so conversions running at once (two
downloads, two test workers) never share one. Several files convert in one start, which is most of the cost.
"""

import shutil
import subprocess
import tempfile
from pathlib import Path

from django.utils.translation import gettext as _

TIMEOUT_SECONDS = 180


class OfficeUnavailable(Exception):
    """LibreOffice is not installed, or failed to convert; the message says so, for the user."""


def libreoffice() -> str | None:
    """The LibreOffice program on this machine, or None."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert_to_pdf(sources: list[Path], *, outdir: Path) -> list[Path]:
    """Convert each file in `sources` to a PDF of the same name in `outdir`; returns their paths, in order."""
    program = libreoffice()
    if program is None:
        raise OfficeUnavailable(
            _("PDF needs LibreOffice, which is not installed on the server: download the .docx and print it instead.")
        )
    with tempfile.TemporaryDirectory(prefix="zoneledger-office-") as profile:
        command = [
            program,
            f"-env:UserInstallation={Path(profile).as_uri()}",
            "--headless",
            "--norestore",
            "--convert-to",
            "pdf",
            "--outdir",
            str(outdir),
            *map(str, sources),
        ]
        try:
            subprocess.run(command, check=True, capture_output=True, timeout=TIMEOUT_SECONDS)
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as error:
            raise OfficeUnavailable(_("LibreOffice could not convert the document to PDF.")) from error
    pdfs = [outdir / f"{Path(source).stem}.pdf" for source in sources]
    if not all(pdf.exists() for pdf in pdfs):
        raise OfficeUnavailable(_("LibreOffice could not convert the document to PDF."))
    return pdfs

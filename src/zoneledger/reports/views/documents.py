"""The bulletin as a document (.docx or PDF), downloaded from the round bulletin and the year summary."""

import io

from django.contrib import messages
from django.http import HttpResponseRedirect

from zoneledger.audit import services as audit
from zoneledger.core.http import document_response
from zoneledger.core.office import OfficeUnavailable
from zoneledger.reports.document import write_bulletin


def bulletin_document_response(request, *, kind, scope, period, as_of, filename, back_to):
    """The bulletin of `period` for `scope` as a `kind` download, audited like the workbook.

    Without LibreOffice a PDF cannot be made: the user is sent back to the page (`back_to`) with a message saying so.
    """
    buffer = io.BytesIO()
    try:
        write_bulletin(kind, user=request.user, scope=scope, period=period, as_of=as_of, file=buffer)
    except OfficeUnavailable as error:
        messages.error(request, str(error))
        return HttpResponseRedirect(back_to)
    audit.record_export(
        actor=request.user,
        what=f"bulletin {period.label} ({kind})",
        count=1,
        filters={"scope": scope.name, "as_of": as_of.isoformat()},
    )
    return document_response(buffer, filename, kind)

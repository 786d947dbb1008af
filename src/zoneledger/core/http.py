"""HTTP helpers every page shares: the htmx checks, the redirect htmx follows, workbook downloads.

One view renders the whole page or, for htmx, the part it replaces. `is_partial` is the one test for that:
a history restore (Back after the page's URL was pushed) is an htmx request too, but wants the whole page.
"""

from django.http import HttpResponse, HttpResponseRedirect
from django.utils.http import content_disposition_header

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCUMENT_CONTENT_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}


def is_htmx(request) -> bool:
    """Whether htmx sent the request (it marks every request it makes)."""
    return request.headers.get("HX-Request") == "true"


def is_partial(request) -> bool:
    """Whether to answer with the part htmx swaps in: an htmx request that is not restoring history."""
    return is_htmx(request) and request.headers.get("HX-History-Restore-Request") != "true"


def partial_template(request, template: str, fragment: str) -> str:
    """`template#fragment` when `is_partial(request)`, the whole `template` otherwise."""
    return f"{template}#{fragment}" if is_partial(request) else template


def hx_redirect(request, url: str) -> HttpResponse:
    """Go to `url`: htmx loads it as a whole page (HX-Redirect) instead of swapping it into a part; else a 302."""
    if is_htmx(request):
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return HttpResponseRedirect(url)


def attachment(filename: str) -> str:
    """A Content-Disposition value that downloads `filename` (Chinese names survive, RFC 6266)."""
    return content_disposition_header(as_attachment=True, filename=filename)


def xlsx_response(buffer, filename: str) -> HttpResponse:
    """A download of the workbook written into `buffer` (an io.BytesIO)."""
    return file_response(buffer, filename, XLSX_CONTENT_TYPE)


def document_response(buffer, filename: str, kind: str) -> HttpResponse:
    """A download of the document of `kind` ("docx" or "pdf") written into `buffer`."""
    return file_response(buffer, filename, DOCUMENT_CONTENT_TYPES[kind])


def file_response(buffer, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(buffer.getvalue(), content_type=content_type)
    response["Content-Disposition"] = attachment(filename)
    return response

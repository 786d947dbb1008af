"""Logging filters for the console."""

import logging


class RefusalsWithoutTraceback(logging.Filter):
    """A refused request (404, 403, 4xx) is one line on the console; its traceback tells nothing its status does not.

    Django logs the exception of every refused request; zone users meet 404s daily (out-of-scope projects), so
    tracebacks of them would bury the server errors the console is for.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "status_code", 500) < 500:
            record.exc_info = None
            record.exc_text = None
        return True

"""Logs as JSON lines (ZONELEDGER_LOG_FORMAT=json, production's default), each with the request id the audit records.

One object per line: time (UTC, ISO 8601), level, logger, message, the request id of the request being served
(the one in its X-Request-ID header and on its audit records; absent outside requests), the fields a caller passed
in `extra=` that are listed in FIELDS, and the traceback as one string.
"""

import json
import logging
from datetime import UTC, datetime

from zoneledger.audit.context import request_context

FIELDS = ("request_id", "view", "status_code", "duration_ms", "job_id", "task_id")


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        request_id = request_context().request_id
        if request_id:
            entry["request_id"] = request_id
        for field in FIELDS:
            value = getattr(record, field, None)
            if value not in (None, ""):
                entry[field] = value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)

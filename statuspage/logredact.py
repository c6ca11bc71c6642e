"""API keys never reach a log line whole: api.php takes its key in the query
string (``?key=...``), which access logs print. Every line keeps a key's
first characters (as much as the admin shows of it, to tell keys apart) and
drops the rest: gunicorn's access and error logs (``--logger-class``) and
every record of Django's logging (a filter on its handler)."""

import logging
import re
from typing import Any

from gunicorn.glogging import Logger

# statuspage.models.KEY_PREFIX_LENGTH, not imported: gunicorn's master loads
# this module before Django is set up.
SHOWN = 8
REDACTED = "..."
_KEY_IN_QUERY = re.compile(r"(?i)((?:^|[?&;\s\"'])key=)([^&;\s\"']*)")
_SECRET_HEADERS = {"{x-api-key}i", "{authorization}i", "{cookie}i", "{http_x_api_key}e"}


def redact(text: str) -> str:
    """``text`` with every ``key=`` value cut to its first characters."""
    return _KEY_IN_QUERY.sub(lambda m: m[1] + _shorten(m[2]), text)


def _shorten(value: str) -> str:
    return value if len(value) <= SHOWN else value[:SHOWN] + REDACTED


class RedactKeysFilter(logging.Filter):
    """Rewrites a record's message with its keys redacted (for handlers)."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = redact(message)
        if redacted != message:
            record.msg, record.args = redacted, None
        return True


class RedactingGunicornLogger(Logger):  # type: ignore[misc]
    """gunicorn's logger, with keys redacted in the request line, the query,
    the referrer and any header a custom access-log format may print."""

    def atoms(
        self, resp: Any, req: Any, environ: dict[str, Any], request_time: Any
    ) -> dict[str, Any]:
        atoms: dict[str, Any] = super().atoms(resp, req, environ, request_time)
        for name, value in atoms.items():
            if name in _SECRET_HEADERS and value:
                atoms[name] = _shorten(str(value))
            elif isinstance(value, str):
                atoms[name] = redact(value)
        return atoms

    def setup(self, cfg: Any) -> None:
        super().setup(cfg)
        for handler in self.error_log.handlers:
            handler.addFilter(RedactKeysFilter())

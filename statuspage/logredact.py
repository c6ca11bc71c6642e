"""API keys never reach a log line whole: api.php takes its key in the query
string (``?key=...``), which access logs print. Every line keeps a key's
first characters (as much as the admin shows of it, to tell keys apart) and
drops the rest: gunicorn's access and error logs (``--logger-class``) and
every record of Django's logging (a filter on its handler).

A parameter is a key when its name, percent-decoded as Django decodes it for
api.php (``request.GET``), is ``key`` in any case: ``?%6Bey=`` is read as
``key``, so it is redacted too; so is ``KEY=``, which api.php does not read
(names are case-sensitive there) but which is a key pasted all the same."""

import logging
import re
from typing import Any
from urllib.parse import unquote_plus

from gunicorn.glogging import Logger

# statuspage.models.KEY_PREFIX_LENGTH, not imported: gunicorn's master loads
# this module before Django is set up.
SHOWN = 8
REDACTED = "..."
# A query parameter: what starts it, its name (still encoded) and its value.
_PARAMETER = re.compile(r"(^|[?&;\s\"'])([^=?&;\s\"']+)=([^&;\s\"']*)")
_SECRET_HEADERS = {"{x-api-key}i", "{authorization}i", "{cookie}i", "{http_x_api_key}e"}


def redact(text: str) -> str:
    """``text`` with every ``key=`` value cut to its first characters."""
    return _PARAMETER.sub(_redact_parameter, text)


def _redact_parameter(match: re.Match[str]) -> str:
    start, name, value = match.groups()
    return f"{start}{name}={_shorten(value)}" if _is_key(name) else match[0]


def _is_key(name: str) -> bool:
    """Whether Django reads ``name`` as ``key`` (in any case): decoded once,
    ``%6Bey`` and ``k%65y`` are ``key``; ``%256Bey`` stays ``%6Bey``."""
    return unquote_plus(name, errors="replace").lower() == "key"


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

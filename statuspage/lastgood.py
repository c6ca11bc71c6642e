"""Last-good snapshots of the public page, kept outside the database, so that
the page survives the database: when it cannot be reached, `/` (each
language), the v2 JSON, the feeds and the badges are served from the last
copy that rendered, marked with ``Age`` and ``Warning`` headers (and, on the
HTML page, a visible "as of <time>" notice) instead of a 500.

Files under PAGE_SNAPSHOT_DIR (var/snapshots by default), one per URL and
language, written atomically (a reader never sees half a file) at most every
SAVE_EVERY seconds, and only on a render, never on a cache hit. Each web
server keeps its own: a snapshot is read by the server that wrote it.

Only what holds nothing per visitor is kept: the responses of the public
views, and of the HTML page its main part, so the shell around it (the
language form and its CSRF token) is rendered afresh for each visitor."""

import contextlib
import hashlib
import json
import os
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse

# What an unreachable database raises (a refused or dropped connection); a
# bug in a query (ProgrammingError, ...) is not hidden behind a snapshot.
DATABASE_DOWN = (OperationalError, InterfaceError)
SAVE_EVERY = 10.0  # seconds: a key is written at most this often
# Headers of the original response that the snapshot keeps.
KEPT_HEADERS = ("Content-Type", "Access-Control-Allow-Origin")


@dataclass(frozen=True)
class Snapshot:
    saved_at: datetime
    headers: dict[str, str]
    body: bytes

    @property
    def age(self) -> int:
        return max(0, int(time.time() - self.saved_at.timestamp()))

    def mark(self, response: HttpResponse) -> HttpResponse:
        """Say that ``response`` is this stale copy: its age, a warning, and
        that nobody should keep it (the live page is back soon)."""
        response["Age"] = str(self.age)
        response["Warning"] = '110 - "Response is Stale"'
        response["Cache-Control"] = "no-cache"
        return response

    def response(self) -> HttpResponse:
        response = HttpResponse(self.body, content_type=self.headers.get("Content-Type"))
        for name, value in self.headers.items():
            response[name] = value
        return self.mark(response)


def _path(key: str) -> Path:
    digest = hashlib.sha256(key.encode()).hexdigest()[:32]
    return Path(settings.PAGE_SNAPSHOT_DIR) / f"{digest}.snapshot"


def due(key: str) -> bool:
    """Whether ``key``'s copy is older than SAVE_EVERY (or missing): callers
    that build a large body ask first, so a cache hit costs a stat, not a
    copy of the page."""
    try:
        return time.time() - _path(key).stat().st_mtime >= SAVE_EVERY
    except OSError:  # none yet (or the folder is unusable: the write says)
        return True


def save(key: str, body: bytes, headers: dict[str, str]) -> None:
    """Keep ``body`` as the last good copy of ``key`` (unless one was kept in
    the last SAVE_EVERY seconds). A full disk or a read-only folder costs the
    snapshot, never the request."""
    if not due(key):
        return
    path = _path(key)
    meta = json.dumps({"key": key, "saved_at": time.time(), "headers": headers}).encode()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, scratch = tempfile.mkstemp(dir=path.parent, prefix=".writing-")
    except OSError:
        return
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(meta + b"\n" + body)
        os.replace(scratch, path)
    except OSError:  # a full disk: no half copy left behind
        with contextlib.suppress(OSError):
            os.unlink(scratch)


def save_response(key: str, response: HttpResponse) -> None:
    headers = {name: response[name] for name in KEPT_HEADERS if response.has_header(name)}
    save(key, response.content, headers)


def load(key: str) -> Snapshot | None:
    try:
        meta, _, body = _path(key).read_bytes().partition(b"\n")
        found = json.loads(meta)
    except (OSError, ValueError):
        return None
    if found.get("key") != key:  # a hash collision, however unlikely
        return None
    return Snapshot(datetime.fromtimestamp(found["saved_at"], UTC), found["headers"], body)

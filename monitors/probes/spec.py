"""What a probe reads of a monitor, as a plain row: a probe worker loads a
batch of these, not model instances (building an instance costs a tenth of
a check)."""

from dataclasses import dataclass
from functools import lru_cache

# The monitor columns a ProbeSpec is read from, in its fields' order.
COLUMNS = (
    "id", "protocol", "target", "port", "timeout", "allow_redirects", "expected_status_codes",
    "http_body", "http_headers", "expected_body", "frequency",
)  # fmt: skip


@lru_cache(maxsize=256)  # read on every check; monitors share a few spellings
def expected_codes(spelled: str) -> frozenset[int]:
    """The status codes that count as up, from "200,204" (blank: 200-299)."""
    if not spelled.strip():
        return frozenset(range(200, 300))
    return frozenset(int(code) for code in spelled.split(",") if code.strip())


@dataclass(slots=True)
class ProbeSpec:
    pk: int
    protocol: str
    target: str
    port: int | None
    timeout: int
    allow_redirects: bool
    expected_status_codes: str
    http_body: str
    http_headers: str
    expected_body: str
    frequency: int

    @property
    def expected_codes(self) -> frozenset[int]:
        return expected_codes(self.expected_status_codes)

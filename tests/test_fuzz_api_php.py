"""Property-based fuzzing of /api.php with generated query strings: odd encodings
(percent-encoded invalid UTF-8, NUL, control characters, right-to-left marks,
emoji), huge values, repeated and unknown parameters, SQL and HTML fragments,
any method. Only the contract's two shapes come back, always as JSON, with a
status the contract knows, and data only for a valid key."""

import json
from urllib.parse import quote, quote_plus

import pytest
from django.http import QueryDict
from django.test import Client
from hypothesis import given
from hypothesis import strategies as st

from core.enums import Protocol, Severity, Status
from incidents.models import Incident
from monitors.models import Category, Monitor
from statuspage.api.bitup.actions import ACTIONS
from statuspage.models import ApiKey
from tests.fuzzing import fuzz_settings

STATUSES = {200, 400, 401, 404, 405, 429}
FUZZ = fuzz_settings(examples=600)

HOSTILE = [
    "' OR '1'='1", "1; DROP TABLE monitors_monitor; --", "1 UNION SELECT password FROM auth_user",
    "1' AND SLEEP(5)#", "<script>alert(1)</script>", '"><img src=x onerror=alert(1)>',
    "javascript:alert(1)", "]]>", "&amp;", "\x00", "a\x00b", "\r\nX-Injected: 1", "\x1b[31m",
    "\u202egnp.exe", "\u200f\u05e9\u05dc\u05d5\u05dd", "😀", "\ufeff", "\ud7ff\ue000",
    "%", "%%", "%zz", "../../etc/passwd", "{{7*7}}", "${jndi:ldap://x/a}", "-1", "0", "00",
    "1e3", "0x10", " 1", "1 ", "+1", "١", "²", "9" * 19, "9" * 400, "[]", "null", "true",
]  # fmt: skip
MEANINGFUL = [*ACTIONS, "Status", "STATUS", "full", "simple", "grouped", "1", "2", ""]
NAMES = ["key", "action", "format", "category_id", "key[]", "Key", "KEY", "callback", "_"]


@pytest.fixture
def seeded(db) -> dict[str, str]:
    """Rows for every action to read (their names hostile too), and the keys."""
    category = Category.objects.create(name="<b>Web</b> & 'DNS'", display_order=1)
    for n, status in enumerate([Status.UP, Status.DOWN, Status.PENDING]):
        Monitor.objects.create(
            name=f"m{n} \u202e<script>", protocol=Protocol.HTTP, target="https://example.test/",
            category=category if n else None, status=status,
        )  # fmt: skip
    incident = Incident.objects.create(name="]]> &", severity=Severity.OUTAGE, message="\x01")
    incident.monitors.set(Monitor.objects.all())
    revoked, revoked_raw = ApiKey.generate("revoked")
    revoked.revoke()
    return {
        "read-write": ApiKey.generate("fuzz")[1],
        "read-only": ApiKey.generate("fuzz (read-only)", read_only=True)[1],
        "revoked": revoked_raw,
        "category": str(category.pk),
    }


def texts(seeded: dict[str, str]) -> st.SearchStrategy[str]:
    return st.one_of(
        st.sampled_from([*MEANINGFUL, seeded["category"], seeded["read-write"]]),
        st.sampled_from(HOSTILE),
        st.text(max_size=30),
        st.text(st.characters(codec="utf-8"), max_size=30),
        st.integers(1_000, 60_000).map(lambda n: "A" * n),
    )


@st.composite
def encoded(draw, text: st.SearchStrategy[str]) -> str:
    """A name or value as it may arrive in a query string."""
    how = draw(st.sampled_from(["quote", "plus", "raw", "bytes", "bytes"]))
    if how == "bytes":  # percent-encoded bytes, most of them not UTF-8
        return "".join(f"%{b:02X}" for b in draw(st.binary(max_size=24)))
    value = draw(text)
    if how == "quote":
        return quote(value, safe="")
    if how == "plus":
        return quote_plus(value)
    # Unencoded: a WSGI server hands the raw bytes on as Latin-1 text.
    return value.encode("utf-8").decode("latin-1")


@st.composite
def query_strings(draw, seeded: dict[str, str]) -> str:
    key = draw(st.sampled_from(["read-write", "read-write", "read-only", "revoked", None]))
    pairs = [f"key={quote(seeded[key])}"] if key else []
    known = {
        "action": [*ACTIONS, "category"],
        "format": ["full", "simple", "grouped"],
        "category_id": [seeded["category"], "424242", "9" * 25],
    }
    for name, values in known.items():  # the parameters the contract reads, well formed
        if draw(st.booleans()):
            pairs.append(f"{name}={draw(st.sampled_from(values))}")
    name = st.one_of(st.sampled_from(NAMES), texts(seeded))
    fuzzed = st.tuples(encoded(name), encoded(texts(seeded)))
    pairs += [f"{n}={v}" for n, v in draw(st.lists(fuzzed, max_size=8))]
    pairs += draw(st.lists(st.sampled_from(["", "=", "&", "key", "action=", "=x"]), max_size=3))
    if draw(st.integers(0, 9)) == 0:  # past Django's 1,000 parameters
        pairs += ["x=1"] * draw(st.integers(990, 1_100))
    return "&".join(draw(st.permutations(pairs)))


METHODS = st.sampled_from(["GET"] * 6 + ["HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"])


def test_only_the_contract_shapes_come_back(seeded):
    client = Client(enforce_csrf_checks=True)
    valid = {seeded["read-write"], seeded["read-only"]}

    @FUZZ
    @given(query=query_strings(seeded), method=METHODS)
    def check(query: str, method: str) -> None:
        response = client.generic(method, "/api.php", secure=True, QUERY_STRING=query)
        assert response.status_code in STATUSES, (response.status_code, response.content[:300])
        assert response["Content-Type"] == "application/json; charset=utf-8"
        assert response["X-Content-Type-Options"] == "nosniff"
        if response.status_code == 200:
            # Data only for one valid key given once, and only to GET or HEAD.
            assert QueryDict(query).getlist("key") in ([k] for k in valid)
            assert method in ("GET", "HEAD")
        if method == "HEAD":
            assert response.content == b""
            return
        body = json.loads(response.content)
        if response.status_code == 200:
            assert set(body) == {"status", "api_version", "data"}
            assert (body["status"], body["api_version"]) == ("success", "2.1")
        else:
            assert set(body) == {"status", "message"} and body["status"] == "error"
            assert isinstance(body["message"], str) and body["message"]

    check()

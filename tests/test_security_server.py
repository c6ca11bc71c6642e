"""The security limits of the real server, started as ``make run`` starts it
(``bin/run-all``: gunicorn and its access log, on the embedded default):
rate limits that hold under a concurrent burst, a 413 the client can read,
API keys that never reach the access log whole, and an admin lockout that
locks the client out behind a proxy, not the proxy. A second gunicorn, with
the per-address and failed-key limits on (the first has them off, so its
bursts meet only the per-key limit), holds those under a burst too, and
throttles oversized bodies before it reads them."""

import math
import re
import socket
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from tests.product_processes import Product, collected_static_fixture, product_env  # noqa: F401

pytestmark = pytest.mark.slow

KEY_LIMIT, KEY_PERIOD = 40, 3600
FAILURES_BEFORE_LOCKOUT = 3
ADMIN_PASSWORD = "a-long-horse-battery-staple"  # noqa: S105


MAKE_ADMIN_AND_KEYS = """
from django.contrib.auth.models import User
from statuspage.models import ApiKey
User.objects.create_superuser("boss", "boss@example.test", "{password}")
for n in range(3):
    print(ApiKey.generate(f"security {{n}}")[1])
"""


@pytest.fixture(scope="module")
def server(tmp_path_factory, collected_static):
    folder = tmp_path_factory.mktemp("security-server")
    env = product_env(
        folder,
        DJANGO_SETTINGS_MODULE="statuspage.settings",
        RATE_LIMIT_PER_KEY=f"{KEY_LIMIT}/{KEY_PERIOD}",
        RATE_LIMIT_PER_ADDRESS="0",
        RATE_LIMIT_FAILED_KEYS="0",
        TRUSTED_PROXY_COUNT="1",
        AXES_FAILURE_LIMIT=str(FAILURES_BEFORE_LOCKOUT),
    )
    product = Product(folder, env)
    try:
        product.install(collected_static)
        product.keys = product.shell(MAKE_ADMIN_AND_KEYS.format(password=ADMIN_PASSWORD)).split()
        product.start_run_all()
        yield product
    finally:
        product.stop()
        product.print_logs()  # shown when a test failed


def inside_one_window(period: int) -> None:
    """Wait, if need be, until a minute of the limit's window is left: a
    burst then falls inside one window."""
    left = math.ceil(time.time() / period) * period - time.time()
    if left < 60:
        time.sleep(left + 1)


def test_a_concurrent_burst_from_one_key_gets_no_more_than_its_limit(server):
    key = server.keys[0]
    inside_one_window(KEY_PERIOD)

    def get(_: int) -> int:
        url = f"{server.url}/v1/monitors"
        return requests.get(url, headers={"X-API-Key": key}, timeout=60).status_code

    with ThreadPoolExecutor(8) as clients:
        answers = Counter(clients.map(get, range(KEY_LIMIT * 3 // 2)))
    assert answers == {200: KEY_LIMIT, 429: KEY_LIMIT // 2}


def post_whole_body(base: str, key: str, body: bytes) -> object:
    """What a plain HTTP/1.1 client sees: it sends its whole body, then reads
    the answer (the status code), or the error that stood in for one."""
    host, port = base.removeprefix("http://").split(":")
    head = (
        f"POST /v1/monitors HTTP/1.1\r\nHost: {host}\r\nX-API-Key: {key}\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n"
        "Connection: close\r\n\r\n"
    )
    try:
        with socket.create_connection((host, int(port)), timeout=60) as connection:
            connection.sendall(head.encode() + body)
            answer = b""
            while chunk := connection.recv(65536):
                answer += chunk
    except OSError as error:
        return type(error).__name__
    return int(answer.split(b" ", 2)[1]) if answer.startswith(b"HTTP/1.1 ") else answer[:80]


def test_an_oversized_post_under_load_gets_a_413_the_client_reads(server):
    key = server.keys[1]
    bodies = [b'{"Name": "' + b"x" * (mib * 1024 * 1024) + b'"}' for mib in (2, 12)]
    with ThreadPoolExecutor(6) as clients:
        answers = Counter(
            clients.map(lambda n: post_whole_body(server.url, key, bodies[n % 2]), range(12))
        )
    assert answers == {413: 12}
    # The server keeps answering on the same footing.
    headers = {"X-API-Key": key}
    assert requests.get(f"{server.url}/v1/monitors", headers=headers, timeout=30).ok


def test_the_access_log_shows_only_the_start_of_an_api_key(server):
    key = server.keys[2]
    requests.get(f"{server.url}/api.php?key={key}&action=status", timeout=30).raise_for_status()
    requests.get(f"{server.url}/api.php?action=status&key={key}x", timeout=30)

    def logged() -> str:
        return server.log("run-all")

    deadline = time.monotonic() + 30
    while "/api.php?action=status&key=" not in logged() and time.monotonic() < deadline:
        time.sleep(0.5)
    log = logged()
    assert f'"GET /api.php?key={key[:8]}...&action=status HTTP/1.1" 200' in log
    assert f"/api.php?action=status&key={key[:8]}... HTTP/1.1" in log
    assert key[8:20] not in log


def login(base: str, client_address: str, password: str) -> int:
    """A browser's admin login behind the proxy: the status code of the POST."""
    session = requests.Session()
    session.headers["X-Forwarded-For"] = client_address
    form = session.get(f"{base}/admin/login/", timeout=30)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text)[1]
    response = session.post(
        f"{base}/admin/login/?next=/admin/",
        data={"csrfmiddlewaretoken": token, "username": "boss", "password": password},
        allow_redirects=False, timeout=30,
    )  # fmt: skip
    return response.status_code


def test_behind_a_proxy_failed_logins_lock_out_the_client_not_everyone(server):
    for _ in range(FAILURES_BEFORE_LOCKOUT - 1):
        assert login(server.url, "203.0.113.66", "guess") == 200  # the form again
    assert login(server.url, "203.0.113.66", "guess") == 429
    assert login(server.url, "203.0.113.66", ADMIN_PASSWORD) == 429
    # Every client reaches gunicorn from the proxy's address, yet the owner
    # is not locked out with the guesser.
    assert login(server.url, "198.51.100.7", ADMIN_PASSWORD) == 302


FAILED_KEY_LIMIT, ADDRESS_LIMIT, LIMITED_PERIOD = 10, 60, 3600
BURSTS = 8


@pytest.fixture(scope="module")
def limited_server(tmp_path_factory, collected_static):
    """gunicorn as bin/run-all starts it, with the per-address and failed-key
    limits on, behind one proxy (each test a client address of its own)."""
    folder = tmp_path_factory.mktemp("limited-server")
    env = product_env(
        folder,
        DJANGO_SETTINGS_MODULE="statuspage.settings",
        RATE_LIMIT_PER_KEY="0",
        RATE_LIMIT_PER_ADDRESS=f"{ADDRESS_LIMIT}/{LIMITED_PERIOD}",
        RATE_LIMIT_FAILED_KEYS=f"{FAILED_KEY_LIMIT}/{LIMITED_PERIOD}",
        TRUSTED_PROXY_COUNT="1",
    )
    product = Product(folder, env)
    try:
        product.install(collected_static)
        product.keys = [product.api_key()]
        product.start_web()
        yield product
    finally:
        product.stop()
        product.print_logs()


def test_a_concurrent_burst_without_a_key_gets_no_more_than_the_failed_key_limit(
    limited_server,
):
    inside_one_window(LIMITED_PERIOD)
    url = f"{limited_server.url}/v1/monitors"

    def burst(address: str) -> Counter[int]:
        def get(_: int) -> int:
            headers = {"X-Forwarded-For": address}
            return requests.get(url, headers=headers, timeout=60).status_code

        with ThreadPoolExecutor(16) as clients:
            return Counter(clients.map(get, range(FAILED_KEY_LIMIT * 3)))

    # Several bursts, each from an address of its own, to give a race every chance.
    for n in range(BURSTS):
        answers = burst(f"203.0.113.{100 + n}")
        assert answers == {401: FAILED_KEY_LIMIT, 429: FAILED_KEY_LIMIT * 2}, n


def test_an_address_over_its_limit_gets_a_429_for_an_oversized_post_it_can_read(
    limited_server,
):
    inside_one_window(LIMITED_PERIOD)
    base, key = limited_server.url, limited_server.keys[0]
    client = {"X-API-Key": key, "X-Forwarded-For": "198.51.100.30"}
    for _ in range(ADDRESS_LIMIT - 2):
        assert requests.get(f"{base}/v1/monitors", headers=client, timeout=30).ok
    bodies = [b'{"Name": "' + b"x" * (mib * 1024 * 1024) + b'"}' for mib in (2, 12)]

    def post(n: int, headers: dict[str, str] = client) -> object:
        try:
            url, body = f"{base}/v1/monitors", bodies[n % 2]
            return requests.post(url, data=body, headers=headers, timeout=60).status_code
        except requests.RequestException as error:
            return type(error).__name__

    # The last two the limit allows are read and answered 413; the rest get a
    # 429 without the server reading their bodies, and read it all the same.
    with ThreadPoolExecutor(6) as clients:
        answers = Counter(clients.map(post, range(12)))
    assert answers == {413: 2, 429: 10}
    assert requests.get(f"{base}/v1/monitors", headers=client, timeout=30).status_code == 429
    # Another address has a limit of its own.
    assert post(1, {"X-API-Key": key, "X-Forwarded-For": "198.51.100.31"}) == 413

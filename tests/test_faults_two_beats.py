"""Two beat processes at once (a second one started by mistake, or two
during a deploy): both send the dispatch task every tick, and every monitor
is still checked once per interval, never twice for one slot."""

import re
import time
from datetime import timedelta

import pytest

from tests.product_processes import (  # noqa: F401
    ON_THE_WAY,
    CountingTarget,
    Reader,
    collected_static_fixture,
    counted_more_than_probed,
    product_fixture,
    too_close,
    within,
)

pytestmark = pytest.mark.slow

FREQUENCY = 5
WINDOW = 20


def test_two_beats_at_once_check_every_monitor_once_per_interval(product):
    target = CountingTarget()
    product.start_main_worker()
    product.start_probe_worker()
    product.start_beat("beat1")
    product.start_beat("beat2")
    product.wait_for_dispatch()
    monitors = product.create_monitors(target.urls(30), FREQUENCY)
    db = Reader(product.env["DATABASE_URL"])
    checked = lambda: set(target.checks(monitors)) >= set(monitors)  # noqa: E731
    assert within(time.monotonic() + 30, checked) is not None

    since = db.now()
    time.sleep(WINDOW + FREQUENCY)  # the window over, its last checks recorded too
    until = since + timedelta(seconds=WINDOW)
    checks = target.checks(monitors)  # when the target was asked: a slot probed twice shows
    in_window = {pk: [at for at in checks.get(pk, []) if since < at <= until] for pk in monitors}
    # One check per slot: consecutive checks an interval apart (a missed slot
    # leaves a gap of two, a slot checked twice one of almost nothing).
    gaps = {pk: [round((b - a).total_seconds(), 2) for a, b in zip(times, times[1:], strict=False)]
            for pk, times in in_window.items()}  # fmt: skip
    even = lambda gap: FREQUENCY / 2 - ON_THE_WAY < gap < FREQUENCY * 1.5 + ON_THE_WAY  # noqa: E731
    uneven = {pk: g for pk, g in gaps.items() if not all(map(even, g))}
    assert uneven == {}
    expected = WINDOW // FREQUENCY
    wrong = {pk: len(times) for pk, times in in_window.items() if abs(len(times) - expected) > 1}
    assert wrong == {}, f"checks per monitor in {WINDOW} s, expected {expected}"
    assert too_close(checks, FREQUENCY / 2 - ON_THE_WAY) == {}
    assert counted_more_than_probed(db, target, monitors) == {}
    sent = [len(re.findall(r"Sending due task monitors\.dispatch", product.log(name)))
            for name in ("beat1", "beat2")]  # fmt: skip
    assert min(sent) >= WINDOW, f"both beats sent dispatch every tick: {sent}"
    product.assert_alive()

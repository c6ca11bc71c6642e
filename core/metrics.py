"""The product's Prometheus metrics, defined once here (this module imports
nothing of ours) so that the engine, the alerts and the web layer count into
the same objects, and /metrics (statuspage/metrics/) exposes them.

Multiprocess mode: every gunicorn and Celery process writes its counts to
files in PROMETHEUS_MULTIPROC_DIR (settings default it to var/prometheus,
which `make run` empties at start), and a scrape adds them up. So only
counters and histograms live here; what is a state at scrape time (monitors
by status, messages waiting) is read by the scraping view itself.

Labels are bounded sets: protocols, locations, results, channel kinds, view
names and status codes, never a monitor, a URL or an address."""

from bisect import bisect_left

from prometheus_client import Counter, Histogram

# Seconds: probes mostly answer in tens of milliseconds and time out at 60 s.
DURATION_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60)
# Seconds between a check's slot and its start: under one is on time.
LATENESS_BUCKETS = (0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300)

checks = Counter(
    "statuspage_checks",
    "Checks done, by protocol, probe location and result (up, down, error: could not run).",
    ["protocol", "location", "result"],
)
check_duration = Histogram(
    "statuspage_check_duration_seconds",
    "How long a check took, per probe location.",
    ["location"],
    buckets=DURATION_BUCKETS,
)
check_lateness = Histogram(
    "statuspage_check_lateness_seconds",
    "How late a check started after its scheduled slot, per probe location.",
    ["location"],
    buckets=LATENESS_BUCKETS,
)
alert_deliveries = Counter(
    "statuspage_alert_deliveries",
    "Attempts to send an alert, by channel kind (email, webhook, apprise) and result "
    "(sent, failed).",
    ["channel", "result"],
)
subscriber_deliveries = Counter(
    "statuspage_subscriber_deliveries",
    "Attempts to send a notice to a page subscriber, by channel (email, webhook, ...) and "
    "result (sent, failed).",
    ["channel", "result"],
)
http_requests = Counter(
    "statuspage_http_requests",
    "HTTP requests answered, by view (URL name) and status code.",
    ["view", "status"],
)


def result_label(ok: bool | None) -> str:
    """A check's result as the ``result`` label says it."""
    return "error" if ok is None else ("up" if ok else "down")


def observe_many(histogram: Histogram, values: list[float]) -> None:
    """Observe a batch of values into one labelled ``histogram``: one write per
    bucket touched and one for the sum, instead of two per value (a write to
    the multiprocess files costs ~10 us; a batch holds up to hundreds of checks)."""
    if not values:
        return
    buckets = getattr(histogram, "_buckets", None)
    bounds = getattr(histogram, "_upper_bounds", None)
    if buckets is None or bounds is None:  # prometheus_client changed its insides
        for value in values:
            histogram.observe(value)
        return
    counts = [0] * len(bounds)
    for value in values:
        counts[bisect_left(bounds, value)] += 1  # the first bucket with value <= bound
    histogram._sum.inc(sum(values))
    for bucket, count in zip(buckets, counts, strict=True):
        if count:
            bucket.inc(count)

"""/metrics in the Prometheus text format: the counts every process made
(core/metrics.py, multiprocess mode) and the engine's state read at scrape
time; behind a bearer token or an address allowlist."""

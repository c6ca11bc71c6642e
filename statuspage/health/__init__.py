"""The health endpoint: ``/health/live`` (the web process answers) and
``/health`` (readiness: database, cache, broker, and the engine's beat,
workers and lateness), JSON, 503 when not ready. The checks are
django-health-check checks (its base class and exceptions), run in the
request's thread so they share its database connection."""

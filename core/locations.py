"""Probe locations and their Celery queues: one queue per probe location, so a
worker started with ``-Q probes.UK`` probes from there. Kept free of models so
that settings can import it."""

from core.enums import Location


def location_codes(locations: str) -> list[str]:
    """A monitor's ``locations`` field ("USE, UK") as codes."""
    return [code.strip() for code in locations.split(",") if code.strip()]


def probe_queue(location: str) -> str:
    return f"probes.{location}"


PROBE_QUEUES = [probe_queue(code) for code in Location.values]

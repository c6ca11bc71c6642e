from monitors.models.category import Category
from monitors.models.engine import Heartbeat, LocationResult
from monitors.models.history import CheckResult, DailyRollup, HourlyRollup, StatusEvent
from monitors.models.monitor import Monitor

__all__ = [
    "Category",
    "CheckResult",
    "DailyRollup",
    "Heartbeat",
    "HourlyRollup",
    "LocationResult",
    "Monitor",
    "StatusEvent",
]

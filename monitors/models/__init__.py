from monitors.models.category import Category
from monitors.models.engine import CheckTally, Heartbeat, LocationResult, ScheduleCursor
from monitors.models.history import DailyRollup, FailedCheck, HourlyRollup, StatusEvent
from monitors.models.monitor import Monitor

__all__ = [
    "Category",
    "CheckTally",
    "DailyRollup",
    "FailedCheck",
    "Heartbeat",
    "HourlyRollup",
    "LocationResult",
    "Monitor",
    "ScheduleCursor",
    "StatusEvent",
]

"""/v1/scheduledmaintenance and /v1/maintenance: the LegitUptime contract's maintenance windows."""

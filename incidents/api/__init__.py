"""/v1/incidents: the LegitUptime contract's incidents."""

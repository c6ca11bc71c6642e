"""/v1/monitors: the LegitUptime contract's monitors."""

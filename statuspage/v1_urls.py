"""The management API v1 (the LegitUptime contract)."""

urlpatterns: list = []

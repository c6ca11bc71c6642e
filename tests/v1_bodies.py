"""Valid v1 request bodies, one per resource, for tests that need a write to succeed."""

MONITOR = {
    "Name": "Web", "Protocol": "h", "TestURL": "https://example.com/", "PingLocations": "USE",
    "CheckFrequency": "1m", "Active": True, "ResendFrequency": "n", "AllowRedirects": True,
    "ExpectedStatusCodes": "",
}  # fmt: skip
INCIDENT = {
    "Name": "Outage", "Severity": "o", "CurrentStatus": "iv", "Message": "Looking",
    "Monitors": "", "ApplyToStatusPagesOfAffectedMonitors": True,
}  # fmt: skip
MAINTENANCE = {
    "Name": "Upgrade", "StartDateTime": "2030-01-01T10:00:00Z", "DownTimeHours": 1,
    "DownTimeMinutes": 0, "Monitors": "",
}  # fmt: skip

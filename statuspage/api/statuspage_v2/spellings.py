"""How the hosted status page API v2 spells the page's states: the only place
that knows its codes."""

from core.enums import IncidentStatus, Severity
from statuspage.public.states import ComponentState, Overall

# status.indicator and status.description for each banner.
V2_INDICATOR = {
    Overall.OPERATIONAL: ("none", "All Systems Operational"),
    Overall.DEGRADED: ("minor", "Partially Degraded Service"),
    Overall.PARTIAL_OUTAGE: ("major", "Partial System Outage"),
    Overall.MAJOR_OUTAGE: ("critical", "Major System Outage"),
    Overall.MAINTENANCE: ("maintenance", "Service Under Maintenance"),
}

# An incident's impact for each severity. Keyed by str, as the models read
# their stored values back (so are V2_INCIDENT_STATUS's).
V2_IMPACT: dict[str, str] = {Severity.OUTAGE: "major", Severity.DEGRADED: "minor"}

# A component's status. That API has no "not checked yet": such a monitor
# reads as operational.
V2_COMPONENT_STATUS = {
    ComponentState.OPERATIONAL: "operational",
    ComponentState.DEGRADED: "degraded_performance",
    ComponentState.PARTIAL_OUTAGE: "partial_outage",
    ComponentState.MAJOR_OUTAGE: "major_outage",
    ComponentState.MAINTENANCE: "under_maintenance",
    ComponentState.PENDING: "operational",
}

# An incident's status; it has no "update" (render.effective_statuses carries
# the status before such an update).
V2_INCIDENT_STATUS: dict[str, str] = {
    IncidentStatus.INVESTIGATING: "investigating",
    IncidentStatus.IDENTIFIED: "identified",
    IncidentStatus.MONITORING: "monitoring",
    IncidentStatus.RESOLVED: "resolved",
}


def v2_component_status(state: str) -> str:
    return V2_COMPONENT_STATUS[ComponentState(state)]

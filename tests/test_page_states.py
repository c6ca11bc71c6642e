"""The banner and each monitor's state, for every combination that matters."""

import pytest

from core.enums import Severity, Status
from statuspage.api.statuspage_v2.spellings import V2_INDICATOR, v2_component_status
from statuspage.public.states import (
    ComponentState,
    Overall,
    component_state,
    overall_state,
    worst,
)

UP, DOWN, PENDING, MAINT = Status.UP, Status.DOWN, Status.PENDING, Status.MAINTENANCE
OUTAGE, DEGRADED = Severity.OUTAGE, Severity.DEGRADED

BANNER = [
    # monitor statuses, open incident severities, window open, banner
    ([], [], False, Overall.OPERATIONAL),
    ([PENDING, PENDING], [], False, Overall.OPERATIONAL),
    ([UP, UP, UP], [], False, Overall.OPERATIONAL),
    ([UP, UP, DOWN], [], False, Overall.PARTIAL_OUTAGE),
    ([UP, DOWN], [], False, Overall.PARTIAL_OUTAGE),  # half is not more than half
    ([UP, DOWN, DOWN], [], False, Overall.MAJOR_OUTAGE),
    ([DOWN], [], False, Overall.MAJOR_OUTAGE),
    ([DOWN, PENDING, PENDING], [], False, Overall.MAJOR_OUTAGE),  # pending says nothing
    ([UP, UP, UP], [OUTAGE], False, Overall.PARTIAL_OUTAGE),
    ([UP, UP, UP], [DEGRADED], False, Overall.DEGRADED),
    ([UP, UP, UP], [DEGRADED, OUTAGE], False, Overall.PARTIAL_OUTAGE),
    ([UP, UP, DOWN], [DEGRADED], False, Overall.PARTIAL_OUTAGE),
    ([UP, DOWN, DOWN], [OUTAGE], False, Overall.MAJOR_OUTAGE),
    ([UP, MAINT], [], False, Overall.MAINTENANCE),
    ([UP, UP], [], True, Overall.MAINTENANCE),  # a window covering no monitor
    ([MAINT, MAINT], [], True, Overall.MAINTENANCE),
    ([UP, MAINT], [DEGRADED], True, Overall.DEGRADED),
    ([UP, UP, MAINT, DOWN], [], True, Overall.PARTIAL_OUTAGE),
    ([MAINT, DOWN], [], True, Overall.MAJOR_OUTAGE),
    ([PENDING], [OUTAGE], False, Overall.PARTIAL_OUTAGE),
]


@pytest.mark.parametrize(("statuses", "severities", "window", "banner"), BANNER)
def test_the_banner_follows_monitors_incidents_and_maintenance(
    statuses, severities, window, banner
):
    assert overall_state(statuses, severities, maintenance_open=window) == banner


COMPONENT = [
    (UP, [], ComponentState.OPERATIONAL),
    (PENDING, [], ComponentState.PENDING),
    (DOWN, [], ComponentState.MAJOR_OUTAGE),
    (MAINT, [], ComponentState.MAINTENANCE),
    (UP, [DEGRADED], ComponentState.DEGRADED),
    (UP, [OUTAGE], ComponentState.PARTIAL_OUTAGE),
    (UP, [DEGRADED, OUTAGE], ComponentState.PARTIAL_OUTAGE),
    (PENDING, [DEGRADED], ComponentState.DEGRADED),
    (DOWN, [DEGRADED], ComponentState.MAJOR_OUTAGE),  # measured beats declared
    (MAINT, [OUTAGE], ComponentState.MAINTENANCE),
]


@pytest.mark.parametrize(("status", "severities", "state"), COMPONENT)
def test_a_monitor_shows_its_probed_status_unless_an_incident_says_worse(status, severities, state):
    assert component_state(status, severities) == state


def test_a_category_shows_the_worst_of_its_monitors():
    assert worst([ComponentState.OPERATIONAL, ComponentState.DEGRADED]) == ComponentState.DEGRADED
    assert (
        worst([ComponentState.MAINTENANCE, ComponentState.OPERATIONAL])
        == ComponentState.MAINTENANCE
    )
    assert worst([ComponentState.PENDING, ComponentState.OPERATIONAL]) == ComponentState.OPERATIONAL
    assert (
        worst([ComponentState.PARTIAL_OUTAGE, ComponentState.MAJOR_OUTAGE])
        == ComponentState.MAJOR_OUTAGE
    )
    assert worst([]) == ComponentState.PENDING


def test_every_state_has_a_word_and_the_api_v2_codes():
    assert {v2_component_status(s) for s in ComponentState} == {
        "operational", "degraded_performance", "partial_outage", "major_outage",
        "under_maintenance",
    }  # fmt: skip
    assert all(str(s.label) for s in ComponentState) and all(str(o.label) for o in Overall)
    assert {V2_INDICATOR[o][0] for o in Overall} == {
        "none",
        "minor",
        "major",
        "critical",
        "maintenance",
    }

"""/v1/incidents, driven with the contract's own request samples."""

import pytest

from core.enums import IncidentStatus, Severity
from incidents.models import Incident, IncidentUpdate
from monitors.models import Monitor
from tests.test_v1_monitors import without

pytestmark = pytest.mark.django_db

# The contract's samples; their "Monitors" ids are replaced by monitors that exist.
POST_SAMPLE = {
    "Name": "My Incident",
    "Severity": "d",
    "CurrentStatus": "iv",
    "Message": "There is a degraded performance",
    "Monitors": "1,2,3,4",
    "ApplyToStatusPagesOfAffectedMonitors": True,
}
PUT_SAMPLE = {
    "Name": "My updated incident",
    "Severity": "o",
    "CurrentStatus": "iv",
    "Message": "This is an updated message.",
    "Monitors": "1,2",
    "ApplyToStatusPagesOfAffectedMonitors": True,
}


@pytest.fixture
def monitor_ids(make_monitor) -> list[int]:
    return [make_monitor(name=f"m{n}").pk for n in range(4)]


@pytest.fixture
def post_sample(monitor_ids) -> dict:
    return {**POST_SAMPLE, "Monitors": ",".join(map(str, monitor_ids))}


@pytest.fixture
def put_sample(monitor_ids) -> dict:
    return {**PUT_SAMPLE, "Monitors": ",".join(map(str, monitor_ids[:2]))}


def timeline(incident_id: int) -> list[tuple[str, str]]:
    return list(
        IncidentUpdate.objects.filter(incident_id=incident_id).values_list("status", "message")
    )


def test_creating_the_contract_sample_answers_it_with_its_id(v1, post_sample, monitor_ids):
    response = v1.post("incidents", post_sample)
    assert response.status_code == 201
    incident = Incident.objects.get()
    assert response.json() == {"Id": incident.pk, **post_sample}
    assert (incident.severity, incident.status) == (Severity.DEGRADED, IncidentStatus.INVESTIGATING)
    assert sorted(incident.monitors.values_list("pk", flat=True)) == monitor_ids
    assert incident.show_on_status_page is True


def test_a_new_incident_opens_its_timeline(v1, post_sample):
    incident_id = v1.post("incidents", post_sample).json()["Id"]
    assert timeline(incident_id) == [(IncidentStatus.INVESTIGATING, POST_SAMPLE["Message"])]


def test_updating_with_the_contract_sample_answers_the_whole_incident(v1, post_sample, put_sample):
    incident_id = v1.post("incidents", post_sample).json()["Id"]
    response = v1.put(f"incidents/{incident_id}", put_sample)
    assert response.status_code == 200
    assert response.json() == {"Id": incident_id, **put_sample}
    assert Incident.objects.get().severity == Severity.OUTAGE


def test_a_new_status_or_message_appends_to_the_timeline_and_a_rename_does_not(v1, post_sample):
    incident_id = v1.post("incidents", post_sample).json()["Id"]
    v1.put(f"incidents/{incident_id}", {**post_sample, "Name": "Renamed"})
    assert len(timeline(incident_id)) == 1
    v1.put(f"incidents/{incident_id}", {**post_sample, "Message": "Found the cause"})
    v1.put(
        f"incidents/{incident_id}",
        {**post_sample, "Message": "Found the cause", "CurrentStatus": "id"},
    )
    assert timeline(incident_id) == [
        (IncidentStatus.INVESTIGATING, POST_SAMPLE["Message"]),
        (IncidentStatus.INVESTIGATING, "Found the cause"),
        (IncidentStatus.IDENTIFIED, "Found the cause"),
    ]


def test_resolving_moves_an_incident_from_active_to_inactive(v1, post_sample):
    created = v1.post("incidents", post_sample).json()
    assert v1.get("incidents/active").json() == [created]
    assert v1.get("incidents/inactive").json() == []
    resolved = v1.put(f"incidents/{created['Id']}", {**post_sample, "CurrentStatus": "r"}).json()
    assert v1.get("incidents/active").json() == []
    assert v1.get("incidents/inactive").json() == [resolved]
    assert Incident.objects.get().resolved_at is not None


@pytest.mark.parametrize("path", ["incidents/Active", "incidents/ACTIVE", "incidents/aCtIvE"])
def test_the_active_list_answers_in_any_case(v1, post_sample, path):
    created = v1.post("incidents", post_sample).json()
    assert v1.get(path).json() == [created]


@pytest.mark.parametrize("path", ["incidents/Inactive", "incidents/INACTIVE"])
def test_the_inactive_list_answers_in_any_case(v1, post_sample, path):
    resolved = v1.post("incidents", {**post_sample, "CurrentStatus": "r"}).json()
    assert v1.get(path).json() == [resolved]


def test_one_incident_is_answered_as_the_lists_show_it(v1, post_sample):
    created = v1.post("incidents", post_sample).json()
    assert v1.get(f"incidents/{created['Id']}").json() == created


def test_an_incident_may_affect_no_monitor(v1, post_sample):
    answer = v1.post("incidents", {**post_sample, "Monitors": ""}).json()
    assert answer["Monitors"] == ""


def test_monitor_ids_tolerate_spaces_and_are_answered_in_order(v1, post_sample, monitor_ids):
    a, b, *_ = monitor_ids
    answer = v1.post("incidents", {**post_sample, "Monitors": f" {b}, {a}"}).json()
    assert answer["Monitors"] == f"{a},{b}"


def test_the_status_page_flag_is_kept(v1, post_sample):
    v1.post("incidents", {**post_sample, "ApplyToStatusPagesOfAffectedMonitors": False})
    assert Incident.objects.get().show_on_status_page is False


def test_listing_incidents_takes_the_same_queries_for_one_or_thirty(
    v1, post_sample, django_assert_max_num_queries, django_assert_num_queries
):
    v1.post("incidents", post_sample)
    v1.get("incidents/active")
    with django_assert_max_num_queries(4) as one:  # the key (at most twice), incidents, monitors
        v1.get("incidents/active")
    one_row = len(one.captured_queries)  # before the next request resets the log
    for _ in range(29):
        v1.post("incidents", post_sample)
    with django_assert_num_queries(one_row):
        assert len(v1.get("incidents/active").json()) == 30


def test_there_is_no_list_of_all_incidents(v1):
    assert v1.get("incidents").status_code == 405


def test_deleting_answers_success_and_removes_the_incident_and_its_timeline(v1, post_sample):
    incident_id = v1.post("incidents", post_sample).json()["Id"]
    response = v1.delete(f"incidents/{incident_id}")
    assert (response.status_code, response.json()) == (200, {"Success": True})
    assert not Incident.objects.exists() and not IncidentUpdate.objects.exists()
    assert Monitor.objects.count() == 4
    assert v1.get(f"incidents/{incident_id}").status_code == 404


BAD_INCIDENTS = {
    "name missing": ("Name", without(POST_SAMPLE, "Name")),
    "name too long": ("Name", {**POST_SAMPLE, "Name": "x" * 201}),
    "severity missing": ("Severity", without(POST_SAMPLE, "Severity")),
    "severity unknown": ("Severity", {**POST_SAMPLE, "Severity": "x"}),
    "severity spelled out": ("Severity", {**POST_SAMPLE, "Severity": "outage"}),
    "status missing": ("CurrentStatus", without(POST_SAMPLE, "CurrentStatus")),
    "status unknown": ("CurrentStatus", {**POST_SAMPLE, "CurrentStatus": "resolved"}),
    "status upper case": ("CurrentStatus", {**POST_SAMPLE, "CurrentStatus": "IV"}),
    "message missing": ("Message", without(POST_SAMPLE, "Message")),
    "message blank": ("Message", {**POST_SAMPLE, "Message": ""}),
    "message too long": ("Message", {**POST_SAMPLE, "Message": "x" * 401}),
    "monitors missing": ("Monitors", without(POST_SAMPLE, "Monitors")),
    "monitors unknown": ("Monitors", {**POST_SAMPLE, "Monitors": "999999"}),
    "monitors too big to exist": ("Monitors", {**POST_SAMPLE, "Monitors": "9" * 40}),
    "monitors not ids": ("Monitors", {**POST_SAMPLE, "Monitors": "web,db"}),
    "monitors too many": (
        "Monitors",
        {**POST_SAMPLE, "Monitors": ",".join(map(str, range(1, 10_002)))},
    ),
    "monitors negative": ("Monitors", {**POST_SAMPLE, "Monitors": "-1"}),
    "monitors a list": ("Monitors", {**POST_SAMPLE, "Monitors": [1, 2]}),
    "monitors null": ("Monitors", {**POST_SAMPLE, "Monitors": None}),
    "apply missing": (
        "ApplyToStatusPagesOfAffectedMonitors",
        without(POST_SAMPLE, "ApplyToStatusPagesOfAffectedMonitors"),
    ),
    "apply a string": (
        "ApplyToStatusPagesOfAffectedMonitors",
        {**POST_SAMPLE, "ApplyToStatusPagesOfAffectedMonitors": "true"},
    ),
}


def _real_ids(body: dict, monitor_ids: list[int]) -> dict:
    if body.get("Monitors") == POST_SAMPLE["Monitors"]:
        return {**body, "Monitors": ",".join(map(str, monitor_ids))}
    return body


@pytest.mark.parametrize("field, body", BAD_INCIDENTS.values(), ids=BAD_INCIDENTS.keys())
def test_a_bad_incident_is_a_400_naming_the_field_and_nothing_is_saved(
    v1, monitor_ids, field, body
):
    response = v1.post("incidents", _real_ids(body, monitor_ids))
    assert response.status_code == 400
    assert list(response.json()) == [field]
    assert not Incident.objects.exists() and not IncidentUpdate.objects.exists()


@pytest.mark.parametrize("field, body", BAD_INCIDENTS.values(), ids=BAD_INCIDENTS.keys())
def test_a_bad_update_is_a_400_and_changes_nothing(v1, monitor_ids, post_sample, field, body):
    created = v1.post("incidents", post_sample).json()
    response = v1.put(f"incidents/{created['Id']}", _real_ids(body, monitor_ids))
    assert response.status_code == 400 and field in response.json()
    assert v1.get(f"incidents/{created['Id']}").json() == created
    assert len(timeline(created["Id"])) == 1


def test_an_unknown_monitor_among_known_ones_is_named(v1, monitor_ids, post_sample):
    body = {**post_sample, "Monitors": f"{monitor_ids[0]},777777,888888"}
    assert v1.post("incidents", body).json() == {"Monitors": ["No monitor with Id 777777, 888888."]}


@pytest.mark.slow
def test_an_incident_may_affect_as_many_monitors_as_the_cap(v1, post_sample):
    from statuspage.api.legituptime.fields import MAX_IDS

    monitors = Monitor.objects.bulk_create(
        Monitor(name=f"m{n}", protocol="http", target="https://x.test/") for n in range(MAX_IDS)
    )
    ids = ",".join(str(m.pk) for m in sorted(monitors, key=lambda m: m.pk))
    response = v1.post("incidents", {**post_sample, "Monitors": ids})
    assert response.status_code == 201 and response.json()["Monitors"] == ids

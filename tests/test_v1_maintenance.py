"""/v1/scheduledmaintenance and /v1/maintenance, driven with the contract's own samples."""

from datetime import UTC, datetime

import pytest

from core.enums import RecurUnit
from maintenance.models import ScheduledMaintenance
from tests.test_v1_monitors import without

pytestmark = pytest.mark.django_db

PREFIXES = ["scheduledmaintenance", "maintenance"]

# The contract's create sample: RecurEvery and RecurEveryNum swapped.
CREATE_SAMPLE = {
    "Name": "Scheduled Maintenance 1",
    "StartDateTime": "2023-04-01T00:00:00Z",
    "DownTimeHours": 2,
    "DownTimeMinutes": 30,
    "Message": "Performing server maintenance.",
    "Recurring": True,
    "RecurEvery": 1,
    "RecurEndDateTime": "2023-05-01T00:00:00Z",
    "RecurEveryNum": "w",
    "Monitors": "1,2,3",
}
# The contract's update sample, and its response sample: the parameter list's form.
UPDATE_SAMPLE = {
    "Name": "Scheduled Maintenance 12222",
    "StartDateTime": "2023-04-01T00:00:00Z",
    "DownTimeHours": 2,
    "DownTimeMinutes": 30,
    "Message": "Performing server maintenance.",
    "Recurring": True,
    "RecurEvery": "w",
    "RecurEndDateTime": "2023-05-01T00:00:00Z",
    "RecurEveryNum": 1,
    "Monitors": "1,2,3",
}
ONE_OFF = {
    "Name": "Scheduled maintenance 2",
    "StartDateTime": "2023-04-01T12:00:00Z",
    "DownTimeHours": 1,
    "DownTimeMinutes": 0,
    "Message": "Database maintenance.",
    "Recurring": False,
    "RecurEvery": None,
    "RecurEndDateTime": None,
    "RecurEveryNum": None,
    "Monitors": "1,2,3",
}


@pytest.fixture
def ids(make_monitor) -> str:
    return ",".join(str(make_monitor(name=f"m{n}").pk) for n in range(3))


def test_creating_the_swapped_sample_answers_the_parameter_list_form(v1, ids):
    response = v1.post("scheduledmaintenance", {**CREATE_SAMPLE, "Monitors": ids})
    assert response.status_code == 201
    row = ScheduledMaintenance.objects.get()
    assert response.json() == {
        "Id": row.pk,
        **UPDATE_SAMPLE,
        "Name": CREATE_SAMPLE["Name"],
        "Monitors": ids,
    }
    assert (row.recur_unit, row.recur_every) == (RecurUnit.WEEK, 1)
    assert row.starts_at == datetime(2023, 4, 1, tzinfo=UTC)
    assert row.recur_until == datetime(2023, 5, 1, tzinfo=UTC)
    assert (row.duration_hours, row.duration_minutes) == (2, 30)


@pytest.mark.parametrize("prefix", PREFIXES)
def test_updating_with_the_contract_sample_answers_its_response_sample(v1, ids, prefix):
    row_id = v1.post(prefix, {**ONE_OFF, "Monitors": ids}).json()["Id"]
    response = v1.put(f"{prefix}/{row_id}", {**UPDATE_SAMPLE, "Monitors": ids})
    assert response.status_code == 200
    assert response.json() == {"Id": row_id, **UPDATE_SAMPLE, "Monitors": ids}


@pytest.mark.parametrize("prefix", PREFIXES)
def test_every_verb_works_at_both_prefixes(v1, ids, prefix):
    created = v1.post(prefix, {**CREATE_SAMPLE, "Monitors": ids})
    assert created.status_code == 201
    row_id = created.json()["Id"]
    assert v1.get(prefix).json() == [created.json()]
    assert v1.get(f"{prefix}/{row_id}").json() == created.json()
    assert v1.put(f"{prefix}/{row_id}", {**ONE_OFF, "Monitors": ids}).status_code == 200
    assert v1.delete(f"{prefix}/{row_id}").json() == {"Success": True}
    assert not ScheduledMaintenance.objects.exists()


def test_the_list_answers_the_contract_shape(v1, ids):
    monthly = {**UPDATE_SAMPLE, "RecurEvery": "m", "RecurEveryNum": 2, "Monitors": ids}
    first = v1.post("scheduledmaintenance", monthly).json()
    second = v1.post("scheduledmaintenance", {**ONE_OFF, "Monitors": ids}).json()
    listed = v1.get("scheduledmaintenance").json()
    assert listed == [first, second]
    assert listed[0]["RecurEvery"] == "m" and listed[0]["RecurEveryNum"] == 2
    assert {k: listed[1][k] for k in ("RecurEvery", "RecurEndDateTime", "RecurEveryNum")} == {
        "RecurEvery": None, "RecurEndDateTime": None, "RecurEveryNum": None,
    }  # fmt: skip
    assert set(listed[0]) == {"Id", *UPDATE_SAMPLE}


def test_a_one_off_window_keeps_no_recurrence(v1, ids):
    body = {**UPDATE_SAMPLE, "Recurring": False, "Monitors": ids}
    answer = v1.post("maintenance", body).json()
    assert (answer["Recurring"], answer["RecurEvery"], answer["RecurEveryNum"]) == (
        False,
        None,
        None,
    )
    row = ScheduledMaintenance.objects.get()
    assert (row.recur_unit, row.recur_every, row.recur_until) == ("", None, None)


def test_optional_fields_may_be_left_out(v1, ids):
    body = {k: v for k, v in ONE_OFF.items() if k.startswith(("Name", "Start", "DownTime"))}
    answer = v1.post("maintenance", {**body, "Monitors": ids}).json()
    assert (answer["Message"], answer["Recurring"]) == ("", False)


def test_a_time_without_an_offset_is_utc_and_an_offset_is_honoured(v1, ids):
    v1.post("maintenance", {**ONE_OFF, "StartDateTime": "2023-04-01T12:00:00", "Monitors": ids})
    v1.post(
        "maintenance", {**ONE_OFF, "StartDateTime": "2023-04-01T14:00:00+02:00", "Monitors": ids}
    )
    starts = [row["StartDateTime"] for row in v1.get("maintenance").json()]
    assert starts == ["2023-04-01T12:00:00Z", "2023-04-01T12:00:00Z"]


def test_listing_takes_the_same_queries_for_one_or_thirty(
    v1, ids, django_assert_max_num_queries, django_assert_num_queries
):
    v1.post("maintenance", {**CREATE_SAMPLE, "Monitors": ids})
    v1.get("maintenance")
    with django_assert_max_num_queries(4) as one:  # the key (at most twice), rows, monitors
        v1.get("maintenance")
    one_row = len(one.captured_queries)  # before the next request resets the log
    for _ in range(29):
        v1.post("maintenance", {**CREATE_SAMPLE, "Monitors": ids})
    with django_assert_num_queries(one_row):
        assert len(v1.get("maintenance").json()) == 30


BAD_MAINTENANCE = {
    "name missing": ("Name", without(UPDATE_SAMPLE, "Name")),
    "name too long": ("Name", {**UPDATE_SAMPLE, "Name": "x" * 201}),
    "start missing": ("StartDateTime", without(UPDATE_SAMPLE, "StartDateTime")),
    "start not iso": ("StartDateTime", {**UPDATE_SAMPLE, "StartDateTime": "1 April 2023"}),
    "start a number": ("StartDateTime", {**UPDATE_SAMPLE, "StartDateTime": 1680307200}),
    "start no such day": (
        "StartDateTime",
        {**UPDATE_SAMPLE, "StartDateTime": "2023-02-30T00:00:00Z"},
    ),
    "windows past 9999": (
        "StartDateTime",
        {**ONE_OFF, "StartDateTime": "9999-12-31T23:00:00Z", "DownTimeHours": 2},
    ),
    "start before 1970": ("StartDateTime", {**ONE_OFF, "StartDateTime": "0001-01-01T00:00:00Z"}),
    "start a date out of range": ("StartDateTime", {**ONE_OFF, "StartDateTime": "10000-01-01"}),
    "hours missing": ("DownTimeHours", without(UPDATE_SAMPLE, "DownTimeHours")),
    "hours negative": ("DownTimeHours", {**UPDATE_SAMPLE, "DownTimeHours": -1}),
    "hours a string": ("DownTimeHours", {**UPDATE_SAMPLE, "DownTimeHours": "2"}),
    "hours past a year": ("DownTimeHours", {**UPDATE_SAMPLE, "DownTimeHours": 10**12}),
    "minutes missing": ("DownTimeMinutes", without(UPDATE_SAMPLE, "DownTimeMinutes")),
    "minutes 60": ("DownTimeMinutes", {**UPDATE_SAMPLE, "DownTimeMinutes": 60}),
    "minutes negative": ("DownTimeMinutes", {**UPDATE_SAMPLE, "DownTimeMinutes": -1}),
    "message too long": ("Message", {**UPDATE_SAMPLE, "Message": "x" * 4001}),
    "recurring a string": ("Recurring", {**UPDATE_SAMPLE, "Recurring": "true"}),
    "unit missing": ("RecurEvery", without(UPDATE_SAMPLE, "RecurEvery")),
    "unit null": ("RecurEvery", {**UPDATE_SAMPLE, "RecurEvery": None}),
    "unit unknown": ("RecurEvery", {**UPDATE_SAMPLE, "RecurEvery": "y"}),
    "two counts": ("RecurEvery", {**UPDATE_SAMPLE, "RecurEvery": 2}),
    "count missing": ("RecurEveryNum", without(UPDATE_SAMPLE, "RecurEveryNum")),
    "count zero": ("RecurEveryNum", {**UPDATE_SAMPLE, "RecurEveryNum": 0}),
    "count a string number": ("RecurEveryNum", {**UPDATE_SAMPLE, "RecurEveryNum": "1"}),
    "count too big": ("RecurEveryNum", {**UPDATE_SAMPLE, "RecurEveryNum": 10**9}),
    "two units": ("RecurEveryNum", {**UPDATE_SAMPLE, "RecurEveryNum": "d"}),
    "swapped count zero": ("RecurEvery", {**CREATE_SAMPLE, "RecurEvery": 0}),
    "end missing": ("RecurEndDateTime", without(UPDATE_SAMPLE, "RecurEndDateTime")),
    "end before start": (
        "RecurEndDateTime",
        {**UPDATE_SAMPLE, "RecurEndDateTime": "2023-03-01T00:00:00Z"},
    ),
    "end at start": (
        "RecurEndDateTime",
        {**UPDATE_SAMPLE, "RecurEndDateTime": "2023-04-01T00:00:00Z"},
    ),
    "end far away": (
        "RecurEndDateTime",
        {**UPDATE_SAMPLE, "RecurEvery": "m", "RecurEndDateTime": "9999-12-31T23:59:59Z"},
    ),
    "end not a time": ("RecurEndDateTime", {**UPDATE_SAMPLE, "RecurEndDateTime": "soon"}),
    "monitors missing": ("Monitors", without(UPDATE_SAMPLE, "Monitors")),
    "monitors unknown": ("Monitors", {**UPDATE_SAMPLE, "Monitors": "999999"}),
    "monitors not ids": ("Monitors", {**UPDATE_SAMPLE, "Monitors": "1;2"}),
}


def _real_ids(body: dict, ids: str) -> dict:
    return {**body, "Monitors": ids} if body.get("Monitors") == "1,2,3" else body


@pytest.mark.parametrize("field, body", BAD_MAINTENANCE.values(), ids=BAD_MAINTENANCE.keys())
def test_a_bad_window_is_a_400_naming_the_field_and_nothing_is_saved(v1, ids, field, body):
    response = v1.post("scheduledmaintenance", _real_ids(body, ids))
    assert response.status_code == 400
    assert list(response.json()) == [field]
    assert not ScheduledMaintenance.objects.exists()


@pytest.mark.parametrize("field, body", BAD_MAINTENANCE.values(), ids=BAD_MAINTENANCE.keys())
def test_a_bad_update_is_a_400_and_changes_nothing(v1, ids, field, body):
    created = v1.post("maintenance", {**ONE_OFF, "Monitors": ids}).json()
    response = v1.put(f"maintenance/{created['Id']}", _real_ids(body, ids))
    assert response.status_code == 400 and field in response.json()
    assert v1.get(f"maintenance/{created['Id']}").json() == created


def test_a_recurring_window_needs_unit_count_and_end_named_at_once(v1, ids):
    body = {"Name": "n", "StartDateTime": "2023-04-01T00:00:00Z", "DownTimeHours": 1,
            "DownTimeMinutes": 0, "Recurring": True, "Monitors": ids}  # fmt: skip
    errors = v1.post("maintenance", body).json()
    assert set(errors) == {"RecurEvery", "RecurEveryNum", "RecurEndDateTime"}

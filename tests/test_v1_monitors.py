"""/v1/monitors, driven with the contract's own request samples."""

from datetime import timedelta

import pytest
from django.utils import timezone

from core.enums import Protocol, Status
from monitors.models import Monitor
from monitors.scheduling import claim_due

pytestmark = pytest.mark.django_db

# The contract's create and update request sample.
SAMPLE = {
    "Name": "My new monitor",
    "Protocol": "h",
    "TestURL": "https://example.com",
    "PingLocations": "USE",
    "CheckFrequency": "1m",
    "Active": True,
    "ResendFrequency": "n",
    "SSLExpiringAlertFrequency": "7d",
    "AllowRedirects": True,
    "ExpectedStatusCodes": "",
    "HttpRequestBody": "",
    "HttpRequestHeader": "",
    "ResponseExpectedBodyContains": "",
    "PortNumber": 443,
}
PORT_MONITOR = {
    "Name": "Mail",
    "Protocol": "p",
    "TestURL": "mail.example.com",
    "PingLocations": "USE, USW",
    "CheckFrequency": "30s",
    "Active": True,
    "ResendFrequency": "1m",
    "PortNumber": 25,
}
PING_MONITOR = {
    "Name": "Router",
    "Protocol": "i",
    "TestURL": "192.0.2.1",
    "PingLocations": "UK",
    "CheckFrequency": "5m",
    "Active": False,
    "ResendFrequency": "n",
}


def test_creating_the_contract_sample_answers_it_whole_with_its_id(v1):
    response = v1.post("monitors", SAMPLE)
    assert response.status_code == 201
    monitor = Monitor.objects.get()
    assert response.json() == {"Id": monitor.pk, **SAMPLE}
    assert (monitor.protocol, monitor.target, monitor.port) == (
        Protocol.HTTP,
        SAMPLE["TestURL"],
        443,
    )
    assert (monitor.frequency, monitor.resend_every, monitor.ssl_alert_days) == (60, 0, 7)


def claimed_now() -> set[int]:
    """The monitors the dispatcher's next tick would claim."""
    return {claim.monitor_id for claim in claim_due()}


def test_a_new_monitor_is_due_at_once_and_pending(v1):
    v1.post("monitors", SAMPLE)
    monitor = Monitor.objects.get()
    assert monitor.status == Status.PENDING
    assert monitor.pk in claimed_now()


def test_port_and_ping_monitors_need_no_http_fields(v1):
    port = v1.post("monitors", PORT_MONITOR).json()
    ping = v1.post("monitors", PING_MONITOR).json()
    assert port["PingLocations"] == "USE, USW" and port["PortNumber"] == 25
    # Optional fields left out take their defaults.
    assert ping["PortNumber"] is None and ping["SSLExpiringAlertFrequency"] == "n"
    assert ping["AllowRedirects"] is True and ping["ExpectedStatusCodes"] == ""
    assert Monitor.objects.get(pk=ping["Id"]).protocol == Protocol.PING


def test_null_optional_fields_mean_not_set(v1):
    body = {
        **SAMPLE,
        "PortNumber": None,
        "SSLExpiringAlertFrequency": None,
        "HttpRequestBody": None,
    }
    answer = v1.post("monitors", body).json()
    assert answer["PortNumber"] is None
    assert answer["SSLExpiringAlertFrequency"] == "n" and answer["HttpRequestBody"] == ""


def test_ping_locations_tolerate_spaces_and_are_answered_comma_space(v1):
    answer = v1.post("monitors", {**SAMPLE, "PingLocations": " USW ,USE,IA"}).json()
    assert answer["PingLocations"] == "USW, USE, IA"
    assert Monitor.objects.get().location_codes == ["USW", "USE", "IA"]


def test_expected_status_codes_are_kept_as_a_comma_list(v1):
    answer = v1.post("monitors", {**SAMPLE, "ExpectedStatusCodes": "200, 301,418"}).json()
    assert answer["ExpectedStatusCodes"] == "200,301,418"
    assert Monitor.objects.get().expected_codes == {200, 301, 418}


@pytest.mark.parametrize(
    "target", ["http://localhost:8080/health", "https://[2001:db8::1]/", "http://intranet/x?y=1"]
)
def test_http_targets_may_be_any_http_url(v1, target):
    assert v1.post("monitors", {**SAMPLE, "TestURL": target}).status_code == 201


@pytest.mark.parametrize(
    "target", ["db01", "db01.internal.", "10.0.0.7", "2001:db8::1", "bücher.de"]
)
def test_port_targets_may_be_host_names_or_addresses(v1, target):
    assert v1.post("monitors", {**PORT_MONITOR, "TestURL": target}).status_code == 201


def test_the_list_answers_every_monitor_in_the_contract_shape(v1):
    first = v1.post("monitors", SAMPLE).json()
    second = v1.post("monitors", PORT_MONITOR).json()
    response = v1.get("monitors")
    assert response.status_code == 200
    assert response.json() == [first, second]
    assert set(response.json()[0]) == {"Id", *SAMPLE}


def test_one_monitor_is_answered_as_the_list_shows_it(v1):
    created = v1.post("monitors", SAMPLE).json()
    assert v1.get(f"monitors/{created['Id']}").json() == created
    # As the contract's sample writes it: /v1/monitors{id}.
    assert v1.get(f"monitors{created['Id']}").json() == created


def test_the_list_takes_the_same_queries_for_one_or_thirty_monitors(
    v1, make_monitor, django_assert_max_num_queries, django_assert_num_queries
):
    make_monitor()
    v1.get("monitors")  # the key's last use is recorded once a minute, not in the counts
    with django_assert_max_num_queries(3) as one:  # the key (at most twice), the monitors
        v1.get("monitors")
    one_row = len(one.captured_queries)  # before the next request resets the log
    for n in range(29):
        make_monitor(name=f"m{n}")
    with django_assert_num_queries(one_row):
        assert len(v1.get("monitors").json()) == 30


def test_updating_with_the_contract_sample_answers_the_whole_monitor(v1):
    monitor_id = v1.post("monitors", PORT_MONITOR).json()["Id"]
    response = v1.put(f"monitors/{monitor_id}", SAMPLE)
    assert response.status_code == 200
    assert response.json() == {"Id": monitor_id, **SAMPLE}
    assert Monitor.objects.get().target == "https://example.com"


def test_a_put_resets_optional_fields_it_leaves_out(v1):
    monitor_id = v1.post("monitors", {**SAMPLE, "HttpRequestBody": "ping=1"}).json()["Id"]
    body = {k: v for k, v in SAMPLE.items() if k not in ("HttpRequestBody", "PortNumber")}
    answer = v1.put(f"monitors/{monitor_id}", body).json()
    assert answer["HttpRequestBody"] == "" and answer["PortNumber"] is None


def test_changing_the_target_makes_the_monitor_pending_and_due(v1, make_monitor):
    old = timezone.now() - timedelta(hours=1)
    monitor = make_monitor(
        status=Status.DOWN, next_check_at=old + timedelta(days=1), claimed_at=old,
        consecutive_failures=4,
    )  # fmt: skip
    v1.put(f"monitors/{monitor.pk}", {**SAMPLE, "TestURL": "https://elsewhere.example/"})
    monitor.refresh_from_db()
    assert monitor.status == Status.PENDING and monitor.consecutive_failures == 0
    event = monitor.events.get()
    assert (event.from_status, event.to_status) == (Status.DOWN, Status.PENDING)
    assert monitor.pk in claimed_now()


def test_renaming_keeps_the_status_but_checks_again_at_once(v1, make_monitor):
    monitor = make_monitor(
        status=Status.UP,
        target=SAMPLE["TestURL"],
        port=443,
        next_check_at=timezone.now() + timedelta(hours=1),
        claimed_at=timezone.now() - timedelta(minutes=1),
    )
    v1.put(f"monitors/{monitor.pk}", {**SAMPLE, "Name": "Renamed"})
    monitor.refresh_from_db()
    assert (monitor.name, monitor.status) == ("Renamed", Status.UP)
    assert not monitor.events.exists()
    assert monitor.pk in claimed_now()


def test_deleting_answers_success_and_removes_the_monitor(v1, make_monitor):
    monitor = make_monitor()
    response = v1.delete(f"monitors/{monitor.pk}")
    assert (response.status_code, response.json()) == (200, {"Success": True})
    assert not Monitor.objects.exists()
    assert v1.get(f"monitors/{monitor.pk}").status_code == 404


def without(body: dict, field: str) -> dict:
    return {k: v for k, v in body.items() if k != field}


# (the field the 400 must name, the bad body)
BAD_MONITORS = {
    "name missing": ("Name", without(SAMPLE, "Name")),
    "name blank": ("Name", {**SAMPLE, "Name": "  "}),
    "name too long": ("Name", {**SAMPLE, "Name": "x" * 201}),
    "name not a string": ("Name", {**SAMPLE, "Name": 123}),
    "protocol missing": ("Protocol", without(SAMPLE, "Protocol")),
    "protocol unknown": ("Protocol", {**SAMPLE, "Protocol": "x"}),
    "protocol spelled out": ("Protocol", {**SAMPLE, "Protocol": "https"}),
    "protocol upper case": ("Protocol", {**SAMPLE, "Protocol": "H"}),
    "test url missing": ("TestURL", without(SAMPLE, "TestURL")),
    "http target not a url": ("TestURL", {**SAMPLE, "TestURL": "example.com"}),
    "http target ftp": ("TestURL", {**SAMPLE, "TestURL": "ftp://example.com/"}),
    "http target no host": ("TestURL", {**SAMPLE, "TestURL": "https:///path"}),
    "http target bad port": ("TestURL", {**SAMPLE, "TestURL": "https://example.com:99999/"}),
    "http target with a space": ("TestURL", {**SAMPLE, "TestURL": "https://exa mple.com/"}),
    "port target a url": ("TestURL", {**PORT_MONITOR, "TestURL": "https://example.com"}),
    "ping target bad name": ("TestURL", {**PING_MONITOR, "TestURL": "-bad-.example"}),
    "ping target bad address": ("TestURL", {**PING_MONITOR, "TestURL": "999.1.1.1"}),
    "ping target empty label": ("TestURL", {**PING_MONITOR, "TestURL": "a..example"}),
    "locations missing": ("PingLocations", without(SAMPLE, "PingLocations")),
    "locations blank": ("PingLocations", {**SAMPLE, "PingLocations": ""}),
    "location unknown": ("PingLocations", {**SAMPLE, "PingLocations": "USE,XX"}),
    "location lower case": ("PingLocations", {**SAMPLE, "PingLocations": "use"}),
    "location repeated": ("PingLocations", {**SAMPLE, "PingLocations": "USE, USE"}),
    "location empty item": ("PingLocations", {**SAMPLE, "PingLocations": "USE,,USW"}),
    "frequency missing": ("CheckFrequency", without(SAMPLE, "CheckFrequency")),
    "frequency unlisted": ("CheckFrequency", {**SAMPLE, "CheckFrequency": "45s"}),
    "frequency upper case": ("CheckFrequency", {**SAMPLE, "CheckFrequency": "1M"}),
    "frequency a number": ("CheckFrequency", {**SAMPLE, "CheckFrequency": 60}),
    "active missing": ("Active", without(SAMPLE, "Active")),
    "active a string": ("Active", {**SAMPLE, "Active": "true"}),
    "active a number": ("Active", {**SAMPLE, "Active": 1}),
    "active null": ("Active", {**SAMPLE, "Active": None}),
    "resend missing": ("ResendFrequency", without(SAMPLE, "ResendFrequency")),
    "resend unlisted": ("ResendFrequency", {**SAMPLE, "ResendFrequency": "2h"}),
    "ssl unlisted": ("SSLExpiringAlertFrequency", {**SAMPLE, "SSLExpiringAlertFrequency": "5d"}),
    "redirects missing for h": ("AllowRedirects", without(SAMPLE, "AllowRedirects")),
    "redirects null for h": ("AllowRedirects", {**SAMPLE, "AllowRedirects": None}),
    "redirects a string": ("AllowRedirects", {**SAMPLE, "AllowRedirects": "yes"}),
    "codes missing for h": ("ExpectedStatusCodes", without(SAMPLE, "ExpectedStatusCodes")),
    "codes unlisted": ("ExpectedStatusCodes", {**SAMPLE, "ExpectedStatusCodes": "200,299"}),
    "codes not numbers": ("ExpectedStatusCodes", {**SAMPLE, "ExpectedStatusCodes": "2xx"}),
    "codes repeated": ("ExpectedStatusCodes", {**SAMPLE, "ExpectedStatusCodes": "200,200"}),
    "body not a string": ("HttpRequestBody", {**SAMPLE, "HttpRequestBody": {"a": 1}}),
    "port missing for p": ("PortNumber", without(PORT_MONITOR, "PortNumber")),
    "port null for p": ("PortNumber", {**PORT_MONITOR, "PortNumber": None}),
    "port zero": ("PortNumber", {**PORT_MONITOR, "PortNumber": 0}),
    "port too big": ("PortNumber", {**PORT_MONITOR, "PortNumber": 65536}),
    "port a string": ("PortNumber", {**PORT_MONITOR, "PortNumber": "25"}),
    "port a fraction": ("PortNumber", {**PORT_MONITOR, "PortNumber": 25.5}),
    "port a boolean": ("PortNumber", {**PORT_MONITOR, "PortNumber": True}),
}


@pytest.mark.parametrize("field, body", BAD_MONITORS.values(), ids=BAD_MONITORS.keys())
def test_a_bad_monitor_is_a_400_naming_the_field_and_nothing_is_saved(v1, field, body):
    response = v1.post("monitors", body)
    assert response.status_code == 400
    errors = response.json()
    assert list(errors) == [field]
    assert all(isinstance(reason, str) and reason for reason in errors[field])
    assert not Monitor.objects.exists()


@pytest.mark.parametrize("field, body", BAD_MONITORS.values(), ids=BAD_MONITORS.keys())
def test_a_bad_update_is_a_400_and_changes_nothing(v1, make_monitor, field, body):
    monitor = make_monitor(name="Before", target="https://before.example/")
    response = v1.put(f"monitors/{monitor.pk}", body)
    assert response.status_code == 400 and field in response.json()
    after = Monitor.objects.get()
    assert (after.name, after.target, after.updated_at) == (
        "Before",
        "https://before.example/",
        monitor.updated_at,
    )


def test_every_bad_field_is_named_at_once(v1):
    body = {**without(SAMPLE, "AllowRedirects"), "Name": "", "PingLocations": "XX"}
    errors = v1.post("monitors", body).json()
    assert set(errors) == {"Name", "PingLocations", "AllowRedirects"}
    assert errors["AllowRedirects"] == ["This field is required when Protocol is h."]


def test_a_monitor_edited_outside_the_api_to_an_unlisted_frequency_still_lists(v1, make_monitor):
    make_monitor(frequency=5, resend_every=7, ssl_alert_days=2)
    response = v1.get("monitors")
    assert response.status_code == 200
    listed = response.json()[0]
    assert (listed["CheckFrequency"], listed["ResendFrequency"]) == ("30s", "n")
    assert listed["SSLExpiringAlertFrequency"] == "1d"

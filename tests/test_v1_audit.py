"""Writes through the v1 API are in the admin's history under the key's name,
so staff see who changed what; a refused write leaves no trace."""

import pytest
from django.contrib.admin.models import ADDITION, CHANGE, DELETION, LogEntry
from django.contrib.auth import get_user_model

from statuspage.models import ApiKey
from tests.conftest import V1Client
from tests.v1_bodies import INCIDENT, MAINTENANCE, MONITOR

pytestmark = pytest.mark.django_db

KEY_NAME = "Grafana <ops> & deploys"
# (v1 prefix, admin path, a valid body, a change to it)
RESOURCES = [
    ("monitors", "monitors/monitor", MONITOR, {"Name": "Web 2", "CheckFrequency": "5m"}),
    ("incidents", "incidents/incident", INCIDENT, {"CurrentStatus": "id", "Message": "Found"}),
    (
        "scheduledmaintenance", "maintenance/scheduledmaintenance", MAINTENANCE,
        {"DownTimeHours": 2, "Message": "Longer"},
    ),
    ("maintenance", "maintenance/scheduledmaintenance", MAINTENANCE, {"Name": "Patch"}),
]  # fmt: skip


@pytest.fixture
def made_key() -> tuple[ApiKey, str]:
    return ApiKey.generate(KEY_NAME)


@pytest.fixture
def key(made_key) -> ApiKey:
    return made_key[0]


@pytest.fixture
def client(made_key) -> V1Client:
    return V1Client(made_key[1])


def history(https_admin_client, admin_path: str, pk: int) -> str:
    response = https_admin_client.get(f"/admin/{admin_path}/{pk}/history/")
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("prefix, admin_path, body, change", RESOURCES)
def test_the_history_page_shows_the_keys_name_for_a_create_and_an_update(
    client, key, https_admin_client, prefix, admin_path, body, change
):
    pk = client.post(prefix, body).json()["Id"]
    assert client.put(f"{prefix}/{pk}", {**body, **change}).status_code == 200

    entries = LogEntry.objects.filter(object_id=str(pk)).order_by("pk")
    assert [entry.action_flag for entry in entries] == [ADDITION, CHANGE]
    assert {entry.user.username for entry in entries} == {f"api-key:{key.pk}"}
    page = history(https_admin_client, admin_path, pk)
    assert "Grafana &lt;ops&gt; &amp; deploys" in page  # the key's name, escaped
    assert _changed_fields(entries[1].change_message) == sorted(change)


def _changed_fields(message: str) -> list[str]:
    """The field names of 'Changed A, B through the v1 API ...'."""
    listed = message.removeprefix("Changed ").split(" through ")[0]
    return sorted(listed.split(", "))


@pytest.mark.parametrize("prefix, admin_path, body, change", RESOURCES)
def test_a_delete_is_in_the_history_too(client, key, prefix, admin_path, body, change):
    pk = client.post(prefix, body).json()["Id"]
    assert client.delete(f"{prefix}/{pk}").status_code == 200
    deletion = LogEntry.objects.get(object_id=str(pk), action_flag=DELETION)
    assert deletion.user.first_name == KEY_NAME
    assert deletion.object_repr == body["Name"]
    assert deletion.change_message == f'Deleted through the v1 API with the key "{KEY_NAME}".'


@pytest.mark.parametrize("prefix, admin_path, body, change", RESOURCES)
def test_a_refused_write_logs_nothing(client, prefix, admin_path, body, change):
    pk = client.post(prefix, body).json()["Id"]
    logged = LogEntry.objects.count()
    assert client.post(prefix, {**body, "Name": ""}).status_code == 400
    assert client.put(f"{prefix}/{pk}", {**body, "Name": "x" * 201}).status_code == 400
    assert client.put(f"{prefix}/424242", body).status_code == 404
    assert client.delete(f"{prefix}/424242").status_code == 404
    assert LogEntry.objects.count() == logged


def test_a_read_only_or_wrong_key_logs_nothing(read_only_key):
    assert V1Client(read_only_key).post("monitors", MONITOR).status_code == 403
    assert V1Client("sp_wrong").post("monitors", MONITOR).status_code == 401
    assert not LogEntry.objects.exists()
    assert not get_user_model().objects.exists()


def test_each_key_has_one_stand_in_user_who_cannot_log_in(client, key):
    client.post("monitors", MONITOR)
    client.post("incidents", INCIDENT)
    user = get_user_model().objects.get()
    assert (user.username, user.first_name) == (f"api-key:{key.pk}", KEY_NAME)
    assert not user.is_active and not user.has_usable_password()
    assert not user.is_staff and not user.is_superuser


def test_a_renamed_key_is_named_anew_in_later_entries(client, key, https_admin_client):
    pk = client.post("monitors", MONITOR).json()["Id"]
    key.name = "Grafana (prod)"
    key.save()
    client.put(f"monitors/{pk}", {**MONITOR, "Active": False})
    assert get_user_model().objects.get(username=f"api-key:{key.pk}").first_name == "Grafana (prod)"
    assert "Grafana (prod)" in history(https_admin_client, "monitors/monitor", pk)

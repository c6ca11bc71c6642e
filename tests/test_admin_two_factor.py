"""Two-factor staff logins: an authenticator app's code (TOTP, computed here
with django-otp's own maths) or a single-use recovery code, required of every
staff member when ADMIN_REQUIRE_2FA is on; API keys are unaffected."""

import pytest
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from statuspage.twofactor import devices

pytestmark = pytest.mark.django_db

PASSWORD = "a long staff password 42"


@pytest.fixture
def staff(django_user_model):
    return django_user_model.objects.create_user(
        "ops", password=PASSWORD, is_staff=True, is_superuser=True
    )


@pytest.fixture
def no_throttle(settings):
    """django-otp makes a device wait 1 s, 2 s, 4 s ... after each wrong code;
    these tests type a wrong code and then the right one at once."""
    settings.OTP_TOTP_THROTTLE_FACTOR = settings.OTP_STATIC_THROTTLE_FACTOR = 0


@pytest.fixture
def require_2fa(settings):
    settings.ADMIN_REQUIRE_2FA = True


def current_code(device: TOTPDevice) -> str:
    device.refresh_from_db()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


def log_in(client, code: str = ""):
    return client.post(
        "/admin/login/?next=/admin/",
        {"username": "ops", "password": PASSWORD, "otp_token": code, "next": "/admin/"},
    )


@pytest.fixture
def app_device(staff) -> TOTPDevice:
    device = devices.unconfirmed_app_device(staff)
    devices.confirm_app_device(device)
    device.refresh_from_db()
    return device


def test_with_2fa_required_a_staff_member_without_an_app_is_sent_to_set_one_up(
    client, staff, require_2fa, no_throttle
):
    assert log_in(client).status_code == 302  # the password alone is enough ...
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"] == "/admin/two-factor/"  # ... to reach the set-up page only
    assert client.get("/admin/monitors/monitor/")["Location"] == "/admin/two-factor/"

    page = client.get("/admin/two-factor/")
    assert page.status_code == 200
    assert b"<svg" in page.content and b"two-factor-key" in page.content
    device = TOTPDevice.objects.get(user=staff, confirmed=False)
    assert client.post("/admin/two-factor/", {"code": "000000"}).status_code == 200
    assert not TOTPDevice.objects.filter(confirmed=True).exists()

    page = client.post("/admin/two-factor/", {"code": current_code(device)})
    assert page.status_code == 200
    assert len(page.context["codes"]) == devices.RECOVERY_CODES
    assert TOTPDevice.objects.get(user=staff).confirmed is True
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/monitors/monitor/").status_code == 200


def test_with_an_app_set_up_the_login_needs_its_current_code(
    client, staff, app_device, no_throttle
):
    response = log_in(client)
    assert response.status_code == 200
    assert "Enter the code from your authenticator app." in response.content.decode()
    response = log_in(client, "123456" if current_code(app_device) != "123456" else "654321")
    assert response.status_code == 200
    assert client.get("/admin/").status_code == 302  # not logged in

    response = log_in(client, current_code(app_device))
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200


def test_a_recovery_code_logs_in_once(client, staff, app_device, no_throttle):
    codes = devices.new_recovery_codes(staff)
    assert log_in(client, codes[0]).status_code == 302
    assert client.get("/admin/").status_code == 200
    client.post("/admin/logout/")
    assert log_in(client, codes[0]).status_code == 200  # used up
    assert log_in(client, codes[1]).status_code == 302


def test_a_session_without_the_second_factor_is_sent_back_to_the_login(client, staff, app_device):
    client.force_login(staff)  # as a session from before the app was set up
    response = client.get("/admin/monitors/monitor/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/?next=/admin/monitors/monitor/")
    assert client.get("/admin/").status_code == 302


def test_without_the_setting_staff_without_an_app_log_in_with_a_password(client, staff):
    assert log_in(client).status_code == 302
    page = client.get("/admin/")
    assert page.status_code == 200
    assert 'href="/admin/two-factor/"' in page.content.decode()  # and may set one up
    assert client.get("/admin/two-factor/").status_code == 200


def test_api_keys_are_unaffected(https_client, api_key, staff, require_2fa):
    response = https_client.get("/v1/monitors", HTTP_X_API_KEY=api_key)
    assert response.status_code == 200
    assert https_client.get(f"/api.php?key={api_key}&action=status").status_code == 200


def set_up_app(staff) -> TOTPDevice:
    """An app set up in another session (of the same staff member)."""
    device = devices.unconfirmed_app_device(staff)
    devices.confirm_app_device(device)
    device.refresh_from_db()
    return device


def recovery_codes(staff) -> set[str]:
    return set(StaticToken.objects.filter(device__user=staff).values_list("token", flat=True))


def test_a_session_from_before_the_app_cannot_move_it_or_make_recovery_codes(
    client, staff, no_throttle
):
    assert log_in(client).status_code == 302  # the password alone: no app yet
    device = set_up_app(staff)
    codes = recovery_codes(staff)
    assert client.get("/admin/").status_code == 200  # the session keeps its standing ...

    # ... but changes nothing of the second factor without it: log in with the code first.
    response = client.get("/admin/two-factor/?again=1")
    assert response.status_code == 302
    assert response["Location"] == "/admin/login/?next=/admin/two-factor/%3Fagain%3D1"
    assert TOTPDevice.objects.filter(user=staff).count() == 1  # no new key was made
    assert client.get("/admin/").status_code == 302  # logged out
    log_in(client)
    response = client.post("/admin/two-factor/", {"new_recovery_codes": "1"})
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
    assert recovery_codes(staff) == codes

    # Verified by the app, the same page does both.
    assert log_in(client, current_code(device)).status_code == 302
    page = client.post("/admin/two-factor/", {"new_recovery_codes": "1"})
    assert page.status_code == 200 and set(page.context["codes"]) == recovery_codes(staff) != codes
    page = client.get("/admin/two-factor/?again=1")
    assert page.status_code == 200 and b"two-factor-key" in page.content


def test_with_2fa_required_a_session_from_before_the_app_is_sent_to_log_in_with_it(
    client, staff, require_2fa, no_throttle
):
    assert log_in(client).status_code == 302
    device = set_up_app(staff)
    # The admin sends it to the two-factor page, which shows no key but asks for the code.
    assert client.get("/admin/monitors/monitor/")["Location"] == "/admin/two-factor/"
    response = client.get("/admin/two-factor/")
    assert response.status_code == 302
    assert response["Location"] == "/admin/login/?next=/admin/two-factor/"
    assert TOTPDevice.objects.filter(user=staff).count() == 1
    response = log_in(client, current_code(device))
    assert response.status_code == 302
    assert client.get("/admin/monitors/monitor/").status_code == 200

"""A staff member's second factors: one TOTP device (an authenticator app)
and one static device holding the recovery codes, each code good once."""

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

RECOVERY_CODES = 10
APP_DEVICE_NAME = "Authenticator app"
RECOVERY_DEVICE_NAME = "Recovery codes"


def has_second_factor(user: AbstractBaseUser) -> bool:
    return bool(TOTPDevice.objects.filter(user=user, confirmed=True).exists())


def device_for_code(user: AbstractBaseUser, code: str) -> Device | None:
    """The device a typed code is meant for: six digits come from the app,
    anything else is a recovery code. Picking one (rather than trying every
    device) keeps a wrong app code from throttling the recovery codes."""
    code = code.strip()
    model: type[Device] = TOTPDevice if code.isdigit() and len(code) == 6 else StaticDevice
    return model.objects.filter(user=user, confirmed=True).first()


def verify(user: AbstractBaseUser, code: str) -> Device | None:
    """The device that accepts ``code`` (a recovery code is used up), or None."""
    device = device_for_code(user, code)
    with transaction.atomic():
        if device is not None and device.verify_token(code.strip().replace(" ", "")):
            return device
    return None


def unconfirmed_app_device(user: AbstractBaseUser) -> TOTPDevice:
    """The app device being set up (one per user, kept until confirmed, so
    reloading the page shows the same key)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=APP_DEVICE_NAME, confirmed=False)
    return device


@transaction.atomic
def confirm_app_device(device: TOTPDevice) -> list[str]:
    """Make ``device`` the user's app (dropping any earlier one) and give them
    fresh recovery codes, returned to be shown once."""
    TOTPDevice.objects.filter(user=device.user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    return new_recovery_codes(device.user)


@transaction.atomic
def new_recovery_codes(user: AbstractBaseUser) -> list[str]:
    """Replace the user's recovery codes with new ones."""
    static, _ = StaticDevice.objects.get_or_create(
        user=user, defaults={"name": RECOVERY_DEVICE_NAME, "confirmed": True}
    )
    static.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=static, token=code) for code in codes])
    return codes

"""The second factor's set-up: the rules of turning the authenticator app on, changing phones and
turning it off, apart from the pages that ask for them (csc/core/views.py stays a thin layer).

- A first app is set up by an account that has none. Another one only as a replacement, asked by a
  session that passed its second factor: someone who only knows the password cannot swap the phone.
- The new device waits unconfirmed until its first code: until then the old app keeps working. A right
  first code confirms it, drops every other app of the account (the old phone), is journaled, and
  hands out ten recovery codes (csc/core/recovery.py), which are shown once.
- It is turned off only by an account whose roles do not require it (CSC_OTP_REQUIRED_ROLES); its
  recovery codes go with it (signals.drop_recovery_codes_without_totp).

Refusals raise OtpRefused with the French sentence to show.
"""

from __future__ import annotations

import base64
import enum
from io import BytesIO

import qrcode
import qrcode.image.svg
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import audit, otp_throttle, recovery
from .tenancy import requires_second_factor

DEVICE_NAME = "Application d'authentification"


class OtpRefused(Exception):
    """A step of the set-up refused, with the French sentence to show."""


class SetupMode(enum.Enum):
    FIRST = "first"
    REPLACE = "replace"


def setup_mode(user, *, asks_to_replace: bool, verified: bool) -> SetupMode | None:
    """Which set-up the session may start: a first app, a replacement (asked by a session that passed
    its second factor), or None when the account already has its app and nothing is to be set up."""
    if asks_to_replace and verified:
        return SetupMode.REPLACE
    if recovery.has_totp(user):
        return None
    return SetupMode.FIRST


def pending_device(user) -> TOTPDevice:
    """The device being set up: the account's unconfirmed one, created the first time."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
    return device


def provisioning(device: TOTPDevice) -> tuple[str, str]:
    """What the set-up page shows: the QR code (an SVG, base64) and the secret to type by hand."""
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    buffer = BytesIO()
    image.save(buffer)
    return base64.b64encode(buffer.getvalue()).decode(), base64.b32encode(device.bin_key).decode()


def confirm(user, device: TOTPDevice, token: str, *, replacing: bool) -> list[str]:
    """Confirm the pending device with its first code; the account's other apps go. Returns the new
    recovery codes, in display form, to show once."""
    if device.user_id != user.pk or device.confirmed:
        raise OtpRefused("Cette application n'est pas en cours d'activation : recommencez.")
    _refuse_while_throttled([device])
    if not device.verify_token(token):
        raise OtpRefused(
            _with_wait("Ce code ne correspond pas. Vérifiez l'heure du téléphone et réessayez.", device)
        )
    with transaction.atomic():
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
        audit.record("otp_enabled", actor=user, detail="nouveau téléphone" if replacing else "")
        return recovery.issue_codes(user, reason="activation")


def verified_device(user, token: str) -> TOTPDevice:
    """The confirmed app whose code this is. Only the apps: a wrong code tried against the recovery
    codes would slow down their next use (they have their own page).

    Raises OtpRefused when the code does not match, or when the apps refuse every code for a while after
    wrong ones (saying how long to wait: the code, right or not, was not checked)."""
    devices = list(TOTPDevice.objects.filter(user=user, confirmed=True))
    _refuse_while_throttled(devices)
    for device in devices:
        if otp_throttle.seconds_to_wait(device) == 0 and device.verify_token(token):
            return device
    raise OtpRefused(
        _with_wait("Ce code ne correspond pas. Attendez le code suivant et réessayez.", *devices)
    )


def _refuse_while_throttled(devices) -> None:
    """Refuse, saying how long to wait, when every device refuses codes for now (after wrong ones)."""
    waits = [otp_throttle.seconds_to_wait(device) for device in devices]
    if waits and all(waits):
        raise OtpRefused(otp_throttle.wait_sentence(min(waits)))


# After a few wrong codes the wait grows (2, 4, 8… seconds): from this one on, the refusal says it too.
ANNOUNCED_WAIT = 4


def _with_wait(refusal: str, *devices) -> str:
    """A refusal, with the wait before the next try when it has grown long enough to surprise."""
    waits = [otp_throttle.seconds_to_wait(device) for device in devices]
    if waits and min(waits) >= ANNOUNCED_WAIT:
        wait = otp_throttle.duration(min(waits))
        return f"{refusal} Après plusieurs erreurs, attendez {wait} avant l'essai suivant."
    return refusal


@transaction.atomic
def disable(user) -> None:
    """Turn the second factor off, unless a role of the account requires it."""
    if requires_second_factor(user):
        raise OtpRefused("Votre rôle impose la double authentification : elle ne peut pas être retirée.")
    # The recovery codes go with it (signals.drop_recovery_codes_without_totp).
    TOTPDevice.objects.filter(user=user).delete()
    audit.record("otp_disabled", actor=user)

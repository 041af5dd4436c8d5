"""The rules of setting up the second factor (csc.core.otp), without a page: which set-up a session may
start, the pending device, its confirmation by a first code, the recovery codes that come with it,
the old phone dropped on replacement, and who may remove it."""

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from csc.core import otp, recovery
from csc.core.models import AuditEvent
from csc.testing.factories import UserFactory

pytestmark = pytest.mark.django_db


def code_of(device) -> str:
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def test_which_set_up_a_session_may_start():
    user = UserFactory()
    assert otp.setup_mode(user, asks_to_replace=False, verified=False) == otp.SetupMode.FIRST
    otp.confirm(user, otp.pending_device(user), code_of(otp.pending_device(user)), replacing=False)
    # The app is there: nothing to set up, unless a verified session asks to change phones.
    assert otp.setup_mode(user, asks_to_replace=False, verified=True) is None
    assert otp.setup_mode(user, asks_to_replace=True, verified=False) is None
    assert otp.setup_mode(user, asks_to_replace=True, verified=True) == otp.SetupMode.REPLACE


def test_the_pending_device_is_kept_until_confirmed_and_a_wrong_code_is_refused_in_french():
    user = UserFactory()
    device = otp.pending_device(user)
    assert otp.pending_device(user) == device and not device.confirmed
    with pytest.raises(otp.OtpRefused, match="Ce code ne correspond pas"):
        otp.confirm(user, device, "000000" if code_of(device) != "000000" else "111111", replacing=False)
    device.refresh_from_db()
    assert not device.confirmed and not recovery.has_totp(user)


def test_confirming_enables_the_app_with_recovery_codes_and_a_new_phone_replaces_the_old():
    user = UserFactory()
    first = otp.pending_device(user)
    codes = otp.confirm(user, first, code_of(first), replacing=False)
    assert len(codes) == recovery.CODE_COUNT and recovery.remaining(user) == recovery.CODE_COUNT
    assert recovery.has_totp(user)
    second = otp.pending_device(user)
    assert second != first
    otp.confirm(user, second, code_of(second), replacing=True)
    assert list(TOTPDevice.objects.filter(user=user).values_list("pk", flat=True)) == [second.pk]
    assert AuditEvent.objects.filter(action="otp_enabled", detail="nouveau téléphone").count() == 1


def test_removing_it_is_refused_to_a_role_that_requires_it(staff, settings):
    settings.CSC_OTP_REQUIRED_ROLES = ["director"]
    director = staff("director")
    device = otp.pending_device(director)
    otp.confirm(director, device, code_of(device), replacing=False)
    with pytest.raises(otp.OtpRefused, match="Votre rôle impose la double authentification"):
        otp.disable(director)
    assert recovery.has_totp(director)
    animator = staff("animator")
    device = otp.pending_device(animator)
    otp.confirm(animator, device, code_of(device), replacing=False)
    otp.disable(animator)
    assert not TOTPDevice.objects.filter(user=animator).exists() and recovery.remaining(animator) == 0
    assert AuditEvent.objects.filter(action="otp_disabled", actor=animator).exists()


def test_the_set_up_page_data_holds_the_qr_code_and_the_typed_secret():
    device = otp.pending_device(UserFactory())
    qr_svg, secret = otp.provisioning(device)
    assert qr_svg and len(secret) >= 16 and secret.isupper()

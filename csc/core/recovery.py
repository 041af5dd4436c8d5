"""Recovery codes of the second factor: ten single-use codes for the day the phone is lost or flat.

They live in django-otp's static device (one per account, « Codes de secours ») and only ever next to a
confirmed TOTP device: enabling TOTP issues them, removing the last TOTP device removes them
(csc/core/signals.py), so that they never become a second factor on their own.

A code is shown once, when it is issued; the database keeps it as django-otp does (the TOTP secret sits
next to it in clear anyway: a reader of the database learns nothing more from the codes). A code is
consumed by a DELETE whose row count says whether this request, and no concurrent one, used it.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from django.db import transaction
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import audit, otp_throttle

CODE_COUNT = 10
CODE_LENGTH = 10
# No 0/o, 1/l/i: a code copied by hand from paper must not be misread.
ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
DEVICE_NAME = "Codes de secours"
# Below this many codes left, the person is told to print new ones.
FEW_LEFT = 3


class RecoveryRefused(Exception):
    """A recovery code refused, with the French reason shown next to the field."""


@dataclass(frozen=True)
class UsedCode:
    device: StaticDevice
    remaining: int


def has_totp(user) -> bool:
    """Whether the account has an authenticator app confirmed: the second factor itself."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def normalise(code: str) -> str:
    """What the person typed, as stored: lower case, without the spaces and dashes of the printout."""
    return "".join(code.split()).replace("-", "").lower()


def is_well_formed(code: str) -> bool:
    return len(code) == CODE_LENGTH and all(char in ALPHABET for char in code)


def display(code: str) -> str:
    """« abcde-fghjk »: two halves read more easily aloud or from paper."""
    half = CODE_LENGTH // 2
    return f"{code[:half]}-{code[half:]}"


def _device_of(user) -> StaticDevice | None:
    return StaticDevice.objects.filter(user=user).order_by("pk").first()


def remaining(user) -> int:
    """How many unused codes the account has (0 when it has none at all)."""
    return StaticToken.objects.filter(device__user=user).count()


@transaction.atomic
def issue_codes(user, *, reason: str) -> list[str]:
    """Ten new codes for the account, in display form; every older code stops working at once.

    The device itself is kept (its tokens are replaced): a session that passed its second factor with a
    recovery code stays verified.
    """
    device = _device_of(user)
    if device is None:
        device = StaticDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=True)
    else:
        device = StaticDevice.objects.select_for_update().get(pk=device.pk)
        StaticDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.token_set.all().delete()
    codes: set[str] = set()
    while len(codes) < CODE_COUNT:
        codes.add("".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH)))
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in sorted(codes)])
    audit.record("otp_enabled", actor=user, detail=f"{CODE_COUNT} codes de secours remis ({reason})")
    return [display(code) for code in sorted(codes)]


def use_code(user, typed: str) -> UsedCode:
    """Pass the second factor with a recovery code, which is then spent. Wrong codes slow the next
    tries down (django-otp's throttling of the device), like wrong TOTP codes."""
    code = normalise(typed)
    device = _device_of(user)
    if device is None or not has_totp(user):
        raise RecoveryRefused("Votre compte n'a pas de codes de secours.")
    wait = otp_throttle.seconds_to_wait(device)
    if wait:
        raise RecoveryRefused(otp_throttle.wait_sentence(wait))
    token_pk = device.token_set.filter(token=code).values_list("pk", flat=True).first()
    with transaction.atomic():
        spent = token_pk is not None and StaticToken.objects.filter(pk=token_pk).delete()[0] == 1
        if spent:
            device.throttle_reset(commit=False)
            device.set_last_used_timestamp(commit=False)
            device.save()
            left = device.token_set.count()
            audit.record("login", actor=user, detail=f"avec un code de secours ; il en reste {left}")
    if not spent:
        device.throttle_increment()  # outside the block above, so that it is kept
        raise RecoveryRefused(
            "Ce code de secours n'est pas valable : il est mal recopié ou a déjà servi. "
            "Chaque code ne sert qu'une fois."
        )
    return UsedCode(device=device, remaining=left)

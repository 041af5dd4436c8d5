"""How long a second-factor device refuses codes after wrong ones, and how to say it.

django-otp slows guessing down: after n wrong codes in a row, a device refuses any code — the right one
too — for 2^(n-1) seconds (times OTP_*_THROTTLE_FACTOR). Its verify_token() then just answers False, so a
page that only asked it would tell a person who typed the right code that it « ne correspond pas ». The
pages ask here first and say to wait, and for how long.
"""

from __future__ import annotations

import math

from django.utils import timezone

# A wait whose end the device does not give: say a minute rather than nothing.
UNKNOWN_WAIT = 60


def seconds_to_wait(device) -> int:
    """Seconds before the device accepts a code again; 0 when it accepts one now."""
    allowed, why = device.verify_is_allowed()
    if allowed:
        return 0
    locked_until = (why or {}).get("locked_until")
    if locked_until is None:
        return UNKNOWN_WAIT
    return max(math.ceil((locked_until - timezone.now()).total_seconds()), 1)


def duration(seconds: int) -> str:
    """« 1 seconde », « 8 secondes », « 2 minutes », « 3 heures »: rounded up, never shorter than true."""
    for unit, length in (("heure", 3600), ("minute", 60)):
        if seconds > length:
            count = math.ceil(seconds / length)
            return f"{count} {unit}{'s' if count > 1 else ''}"
    return f"{seconds} seconde{'s' if seconds > 1 else ''}"


def wait_sentence(seconds: int) -> str:
    """The refusal of a code that was not even checked because of the wait."""
    return (
        f"Trop d'essais à la suite : attendez {duration(seconds)}, puis réessayez. "
        "Par sécurité, ce code n'a pas été vérifié."
    )

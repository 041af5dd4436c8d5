"""Rate limits of what anyone may send without an account: the public forms (pré-adhésion,
pré-inscription), password resets, the kiosk's counts and survey.

Each limit counts per client address and, where a form sends an e-mail, per target address, so that
neither one machine nor a thousand can flood a family's mailbox or the centre's inbox.

The counters live in the cache. With more than one process (gunicorn's workers, several machines) the
cache must be shared (CSC_CACHE_URL, Redis): otherwise each worker counts on its own and the limit is
multiplied by the number of workers; `check --deploy` says so (csc/core/checks.py). A counter is a
fixed window: its key names the window, `cache.add` creates it, `cache.incr` adds to it (INCRBY in Redis,
under a lock in local memory; Django checks the key exists first, and a counter that expired in between
is created again), so that concurrent requests never both take the last place. A fixed window lets up
to twice the rate through across the edge of two windows: enough to stop a flood, for one counter per
key and window.

Addresses are only hashed, with a key derived from SECRET_KEY, into cache keys that expire with their
window: they are never written anywhere.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import ipaddress
import logging
import math
import re
import time as clock
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .identifiers import normalise_email

logger = logging.getLogger(__name__)

# A backslash and the character it escapes, in a quoted local part.
QUOTED_ESCAPE = re.compile(r"\\(.)")


@dataclass(frozen=True)
class Rate:
    """At most `count` uses every `seconds`."""

    count: int
    seconds: int


@dataclass(frozen=True)
class Limit:
    """What one kind of request may do, per client address and per target (the e-mail address a form
    sends to). `name` keeps the counters of two limits apart."""

    name: str
    per_client: tuple[Rate, ...] = ()
    per_target: tuple[Rate, ...] = ()


class Limited(Exception):
    """Over a limit: nothing may be saved or sent. `retry_after` is in seconds."""

    def __init__(self, limit: Limit, retry_after: int):
        super().__init__(f"{limit.name}: retry after {retry_after} s")
        self.limit = limit
        self.retry_after = max(1, retry_after)

    @property
    def wait(self) -> str:
        """« dans 12 minutes », in words a person reads."""
        if self.retry_after <= 60:
            return _("dans une minute")
        if self.retry_after < 3600:
            minutes = math.ceil(self.retry_after / 60)
            return ngettext("dans %(n)d minute", "dans %(n)d minutes", minutes) % {"n": minutes}
        hours = math.ceil(self.retry_after / 3600)
        return ngettext("dans %(n)d heure", "dans %(n)d heures", hours) % {"n": hours}

    @property
    def message(self) -> str:
        """What the person reads on the form shown again."""
        return _(
            "Trop d'envois en peu de temps depuis votre connexion ou vers cette adresse e-mail : pour "
            "éviter les envois abusifs, rien n'a été envoyé. Réessayez %(wait)s ; ce que vous avez "
            "saisi est conservé."
        ) % {"wait": self.wait}


# « Mot de passe oublié »: a person asks once or twice; more would fill a mailbox with links.
PASSWORD_RESET = Limit(
    "core.password_reset",
    per_client=(Rate(10, 3600),),
    per_target=(Rate(3, 3600),),
)


def hit(limit: Limit, *, client: str | None, target: str | None = None, cost: int = 1, now=None) -> None:
    """Count one use of `limit` (or `cost` uses: a batch of kiosk events) by `client` towards `target`;
    raise Limited when any of its counters goes over its rate.

    A refused use is taken back from every counter: the counters say what was let through, so that a
    script hammering an address during one hour does not use up that family's allowance of the day.
    Between the increment and the take-back, a concurrent request may see one use too many and be
    refused: never one too few."""
    moment = clock.time() if now is None else now
    retry_after = 0
    counters = [("client", client_key(client), rate) for rate in limit.per_client]
    if target is not None:
        counters += [("target", target_key(target), rate) for rate in limit.per_target]
    counted = []
    for scope, value, rate in counters:
        window = int(moment // rate.seconds)
        window_end = (window + 1) * rate.seconds
        key = f"rl:{limit.name}:{scope}:{rate.seconds}:{window}:{_digest(value)}"
        total = _add(key, cost, timeout=int(window_end - moment) + 5)
        counted.append(key)
        if total > rate.count:
            retry_after = max(retry_after, math.ceil(window_end - moment))
    if retry_after:
        for key in counted:
            _take_back(key, cost)
        raise Limited(limit, retry_after)


def allowed(limit: Limit, *, client: str | None, target: str | None = None, cost: int = 1, now=None) -> bool:
    """hit(), as a yes or no, where the caller has nothing to tell the sender (the kiosk's counts)."""
    try:
        hit(limit, client=client, target=target, cost=cost, now=now)
    except Limited:
        return False
    return True


def _add(key: str, amount: int, *, timeout: int) -> int:
    """The counter after adding `amount`, created if missing. A cache that does not answer lets the
    request through (and says so in the log): the public forms stay open while the cache is repaired."""
    try:
        if cache.add(key, amount, timeout=timeout):
            return amount
        try:
            total = cache.incr(key, amount)
        except ValueError:  # expired between add and incr
            cache.set(key, amount, timeout=timeout)
            return amount
    except Exception:  # any failure of the cache server (connection refused, timeout…): see docstring
        logger.exception("Rate limit not counted: the cache does not answer")
        return 0
    if total is None:  # django-redis told to ignore a failure of Redis (settings.py) answers None
        logger.error("Rate limit not counted: the cache does not answer")
        return 0
    return total


def _take_back(key: str, amount: int) -> None:
    try:
        cache.decr(key, amount)
    except Exception:  # expired meanwhile, or the cache server failed: nothing left to take back
        logger.debug("Rate limit counter %s not taken back", key)


def client_key(address: str | None) -> str:
    """The client an address stands for: an IPv4 address, or the /64 network of an IPv6 address (one
    subscriber gets a whole /64, and would otherwise have 2⁶⁴ addresses to spread over)."""
    if not address:
        return "?"
    try:
        ip = ipaddress.ip_address(address.strip())
    except ValueError:
        return address.strip()[:100]
    if ip.version == 4:
        return str(ip)
    if ip.ipv4_mapped is not None:
        return str(ip.ipv4_mapped)
    return str(ipaddress.ip_network(f"{ip}/64", strict=False))


def target_key(email: str) -> str:
    """The mailbox an e-mail address reaches, for counting only: the same however it is written, so that
    writing it another way does not open a new counter. From the account's normal form
    (csc.core.identifiers: case, compatibility characters), then what mail servers ignore: the quotes and
    escapes of a quoted local part (« "v\\ictim"@x.fr » reaches victim@x.fr), a « +tag » sub-address, the
    dots of a Gmail address, and the two spellings of an international domain (« exämple.fr » and its
    ASCII form « xn--exmple-cua.fr »)."""
    address = normalise_email(email)
    local, at, domain = address.rpartition("@")
    if not at:
        return address
    if len(local) >= 2 and local[0] == local[-1] == '"':
        local = QUOTED_ESCAPE.sub(r"\1", local[1:-1])
    local = local.split("+", 1)[0]
    # A domain that is not a name (an address literal, a label too long) is counted as written.
    with contextlib.suppress(UnicodeError):
        domain = domain.encode("idna").decode("ascii")
    if domain in {"gmail.com", "googlemail.com"}:
        local, domain = local.replace(".", ""), "gmail.com"
    return f"{local}@{domain}"


def _digest(value: str) -> str:
    return hashlib.blake2b(value.encode(), digest_size=12, key=_secret()).hexdigest()


@functools.cache
def _secret() -> bytes:
    return hashlib.blake2b(f"csc-ratelimit|{settings.SECRET_KEY}".encode(), digest_size=32).digest()

"""The login lockout's key (django-axes, AXES_USERNAME_CALLABLE): failures count per account."""

from __future__ import annotations

from .identifiers import normalise_email

# An identifier longer than an address can be counts under its start (axes stores 255 characters).
KEY_LENGTH = 254


def lockout_key(typed: str | None) -> str:
    """The account the typed address would log into, named by its stored address; for an address of no
    account, the normal form of what was typed.

    Every way of writing an account's address ('DIR@X.FR', 'ｄｉｒ@x.fr', 'dir@x.fr  ') finds the same
    account (csc.core.identifiers) and so shares its counter; a variant that finds no account ('dır@x.fr',
    dotless i) has a counter of its own but cannot log into anything. The stored address keeps
    `axes_reset_username personne@exemple.fr` working for the technical team.
    """
    from .models import User

    account = User.objects.for_identifier(typed)
    return account.email if account is not None else normalise_email(typed)[:KEY_LENGTH]


def axes_client_ip(request) -> str | None:
    """AXES_CLIENT_IP_CALLABLE: the client a failed login counts against, as the rate limits count it
    (csc.core.ratelimit.client_key): an IPv6 subscriber holds a whole /64 and would otherwise get five
    tries per address of it, without end. Axes stores an IP address, so the /64 is named by its first
    address."""
    from .ratelimit import client_key

    address = request.META.get("REMOTE_ADDR") if request is not None else None
    if not address:
        return None
    return client_key(address).split("/", 1)[0]


def axes_username(request, credentials) -> str:
    """AXES_USERNAME_CALLABLE: the lockout key of the address being tried (see lockout_key).

    Axes asks several times per attempt (is it locked? then the failure); the answer is kept on the
    request so that the account is looked up once."""
    typed = (credentials or {}).get("username")
    if typed is None and request is not None:
        typed = request.POST.get("username", "")
    typed = typed or ""
    if request is None:
        return lockout_key(typed)
    memo = request.__dict__.setdefault("_csc_lockout_keys", {})
    if typed not in memo:
        memo[typed] = lockout_key(typed)
    return memo[typed]

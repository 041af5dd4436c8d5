"""How often the public forms may send a request. Each pré-adhésion or pré-inscription is saved for the
reception and queues an e-mail to the address typed: unlimited, one script fills the centre's inbox
and a stranger's mailbox (csc/core/ratelimit.py counts, in the shared cache)."""

from __future__ import annotations

from django.conf import settings

from csc.core import ratelimit


def request_limit() -> ratelimit.Limit:
    """Per client address, CSC_PUBLIC_REQUESTS_PER_CLIENT in 10 minutes: generous, since the families on
    a centre's Wi-Fi or behind one mobile operator share an address on the day registrations open. Per
    e-mail address, 6 an hour and 20 a day: a family sends a pré-adhésion and a pré-inscription per
    activity, a handful on a busy day."""
    return ratelimit.Limit(
        "enrolment.request",
        per_client=(ratelimit.Rate(settings.CSC_PUBLIC_REQUESTS_PER_CLIENT, 600),),
        per_target=(ratelimit.Rate(6, 3600), ratelimit.Rate(20, 86400)),
    )


def count_request(*, client: str | None, email: str) -> None:
    """Count a request about to be sent from `client` to `email`; ratelimit.Limited when over a limit,
    and then nothing may be saved nor sent."""
    ratelimit.hit(request_limit(), client=client, target=email)

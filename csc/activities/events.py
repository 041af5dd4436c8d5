"""What activities tell the apps above them, which it cannot import (CONTRIBUTING.md, the layers)."""

from __future__ import annotations

from django.db import transaction
from django.dispatch import Signal

# Places were added to a period (a day's places raised, a day opened): sent once the change commits,
# with `period_id`. csc.enrolment offers them to the period's waiting list.
places_added = Signal()


def announce_places_added(period_id: int) -> None:
    """Send `places_added` after the current transaction commits: a change rolled back offers nothing,
    and a receiver's failure never undoes the director's change (robust)."""
    transaction.on_commit(
        lambda: places_added.send(sender="csc.activities", period_id=period_id), robust=True
    )

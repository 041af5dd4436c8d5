"""Places per group and day: the only code that changes `GroupDay.held`.

A place is taken by one child on one day in one group, whatever units they booked (a meal takes no place
of its own). Holding is all-or-nothing for a request: either every child gets every day asked, or nothing
changes and the caller learns which days are full.

Concurrency: each hold is a conditional UPDATE (`held + n <= capacity`) done in the order of the rows'
ids. PostgreSQL re-checks the condition after waiting for a concurrent holder's lock, so two parents can
never take the last place twice; SQLite serialises writers. On top, a CHECK constraint refuses any
`held` above `capacity` — overbooking is impossible whatever the code path.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.db.models import F

from .events import announce_places_added
from .models import Group, GroupDay, Period, PeriodDay

# (group id, period day id): one child present in that group on that day.
Place = tuple[int, int]


class PlacesFull(Exception):
    def __init__(self, full: list[Place]):
        super().__init__("Plus de place")
        self.full = full


def ensure_group_days(period: Period) -> int:
    """Create the missing (group, day) rows of a period with each group's usual capacity."""
    days = list(period.days.all())
    groups = list(period.activity.groups.all())
    existing = set(
        GroupDay.objects.filter(day__period=period).values_list("group_id", "day_id"),
    )
    missing = [
        GroupDay(group=group, day=day, capacity=group.capacity)
        for group in groups
        for day in days
        if (group.pk, day.pk) not in existing
    ]
    GroupDay.objects.bulk_create(missing)
    return len(missing)


def hold(places: Iterable[Place]) -> None:
    """Take the places, all or none. Raises PlacesFull with the (group, day) pairs that lack room.

    Must run inside the caller's transaction, so that a failure rolls back the request it belongs to.
    """
    needed = Counter(places)
    if not needed:
        return
    rows = {
        (row.group_id, row.day_id): row.pk
        for row in GroupDay.objects.filter(
            group_id__in={g for g, _ in needed}, day_id__in={d for _, d in needed}
        ).only("pk", "group_id", "day_id")
    }
    missing = [place for place in needed if place not in rows]
    if missing:
        raise PlacesFull(missing)
    full: list[Place] = []
    with transaction.atomic():
        for place in sorted(needed, key=lambda p: rows[p]):
            count = needed[place]
            updated = GroupDay.objects.filter(pk=rows[place], held__lte=F("capacity") - count).update(
                held=F("held") + count
            )
            if not updated:
                full.append(place)
        if full:
            # Undo the places taken before the full one: the savepoint rolls back, the caller goes on.
            transaction.set_rollback(True)
    if full:
        raise PlacesFull(full)


def release(places: Iterable[Place]) -> None:
    """Give the places back (a request refused, cancelled, put on the waiting list)."""
    needed = Counter(places)
    for place, count in sorted(needed.items()):
        group_id, day_id = place
        GroupDay.objects.filter(group_id=group_id, day_id=day_id, held__gte=count).update(
            held=F("held") - count
        )


def free_places(period: Period) -> dict[Place, int]:
    """Free places of every (group, day) of a period, for the public form and the inbox."""
    return {
        (group_id, day_id): capacity - held
        for group_id, day_id, capacity, held in GroupDay.objects.filter(day__period=period).values_list(
            "group_id", "day_id", "capacity", "held"
        )
    }


def capacities(period: Period) -> dict[Place, int]:
    """The places of every (group, day) of a period, before a change that compares with them."""
    return {
        (group_id, day_id): places
        for group_id, day_id, places in GroupDay.objects.filter(day__period=period).values_list(
            "group_id", "day_id", "capacity"
        )
    }


def set_capacity(group: Group, day: PeriodDay, capacity: int, *, announce: bool = True) -> GroupDay:
    """Change the places of one group on one day; never below the places already held.

    Places added are announced (events.places_added) for the waiting list, unless the caller changes
    several days at once and announces them once itself (`announce=False`)."""
    row, _ = GroupDay.objects.get_or_create(group=group, day=day, defaults={"capacity": group.capacity})
    raised = capacity > row.capacity
    try:
        with transaction.atomic():
            GroupDay.objects.filter(pk=row.pk).update(capacity=capacity)
    except IntegrityError:
        row.refresh_from_db()
        raise ValueError(
            f"{row.held} places sont déjà prises ce jour-là : la capacité ne peut pas descendre en dessous."
        ) from None
    row.refresh_from_db()
    if raised and announce:
        announce_places_added(day.period_id)
    return row

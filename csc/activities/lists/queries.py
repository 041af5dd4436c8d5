"""Reads of the list of an activity's registrations.

Everything is counted in SQL: a page is one query for its rows (with each registration's number of
booked days as a correlated count, which PostgreSQL reads from the index of `booked_unit_unique`), one
for the units of those rows, one for their dates on a short period, and one for the totals of the
whole filtered set. None of these depends on the number of rows or bookings.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Count, F, IntegerField, Max, Min, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from csc.core.text import normalize

from ..models import BookedUnit, Period, Registration, Unit

# Up to this many days, a period's booked dates are listed on each row (a holiday week or two).
SHORT_PERIOD_DAYS = 10
MAX_TEXT_LENGTH = 100

ACTIVE = "inscrit"
CANCELLED = "annulee"
ALL = "tous"
STATUSES = {ACTIVE: Registration.Status.ACTIVE, CANCELLED: Registration.Status.CANCELLED, ALL: None}

# The sorts offered, by the name the address carries (« ?tri=-montant »: a minus sorts the other way).
# Age sorts by birth date the other way round: the youngest (born last) first.
SORTS = {
    "enfant": [F("child__search_name").asc(), F("child__birth_date").asc(nulls_last=True)],
    "age": [F("child__birth_date").desc(nulls_last=True), F("child__search_name").asc()],
    "groupe": [F("group__min_age").asc(), F("group__name").asc(), F("child__search_name").asc()],
    "montant": [F("amount").asc(), F("child__search_name").asc()],
    "inscription": [F("created_at").asc()],
}
DEFAULT_SORT = "enfant"


def sort_order(sort: str) -> list:
    """ORDER BY for `sort` (« montant » or « -montant »), the id last so that pages never overlap."""
    descending = sort.startswith("-")
    expressions = SORTS[sort.removeprefix("-")]
    if descending:
        expressions = [expression.copy() for expression in expressions]
        for expression in expressions:
            expression.reverse_ordering()
    return [*expressions, F("id").desc() if descending else F("id").asc()]


def periods_with_days(activity) -> list[Period]:
    return list(
        Period.objects.filter(activity=activity)
        .annotate(
            day_count=Count("days"),
            first_day=Min("days__date"),
            last_day=Max("days__date"),
        )
        .order_by("registration_opens_on", "id")
    )


def default_period(periods: list[Period], today: date) -> Period | None:
    """The period running today, else the next one to start, else the last one."""
    dated = [p for p in periods if p.first_day is not None]
    for period in dated:
        if period.first_day <= today <= period.last_day:
            return period
    upcoming = sorted((p for p in dated if p.first_day > today), key=lambda p: (p.first_day, p.pk))
    if upcoming:
        return upcoming[0]
    if dated:
        return max(dated, key=lambda p: (p.last_day, p.pk))
    return periods[-1] if periods else None


def filtered(period: Period, *, group_id: int | None, status: str, text: str) -> QuerySet:
    """The registrations of the period that the filters keep (not yet sorted nor annotated)."""
    registrations = Registration.objects.filter(period=period)
    if group_id is not None:
        registrations = registrations.filter(group_id=group_id)
    if STATUSES.get(status) is not None:
        registrations = registrations.filter(status=STATUSES[status])
    # Each word typed is in the child's name or in the household's name or address.
    for word in normalize(text[:MAX_TEXT_LENGTH]).split():
        registrations = registrations.filter(
            Q(child__search_name__contains=word) | Q(household__search_text__contains=word)
        )
    return registrations


def _booked_days():
    """The number of days a registration holds, counted in the database (a half-day and a meal on one
    day make one day)."""
    days = (
        BookedUnit.objects.filter(registration=OuterRef("pk"))
        .order_by()
        .values("registration")
        .annotate(days=Count("day", distinct=True))
        .values("days")
    )
    return Coalesce(Subquery(days, output_field=IntegerField()), Value(0))


# What a row shows, read as plain values: model instances of the registration, child, household and
# group (with the journal's change tracking of each) cost more than the whole SQL of a page of 100.
ROW_FIELDS = (
    "id",
    "child_id",
    "household_id",
    "amount",
    "status",
    "created_at",
    "child__last_name",
    "child__first_name",
    "child__birth_date",
    "household__name",
    "group__name",
)


def rows(registrations: QuerySet, sort: str) -> QuerySet:
    """The rows, sorted, as dicts of ROW_FIELDS and `day_count`."""
    return (
        registrations.annotate(day_count=_booked_days())
        .order_by(*sort_order(sort))
        .values(*ROW_FIELDS, "day_count")
    )


@dataclass
class Totals:
    registrations: int = 0
    children: int = 0
    days: int | None = None  # None: not counted with the page (see `total_days`)
    amount: Decimal = Decimal("0.00")


def totals(registrations: QuerySet, *, with_days: bool) -> Totals:
    """The total line of the filtered set, in one query.

    The days are the costly part: every booking of the set is read (150,000 for a school year), about
    50 ms, where the rest of the page takes less. The page therefore shows its rows at once and asks for
    the days in a second request (`with_days=False`); without JavaScript, a link recounts them inline.
    """
    aggregates = {
        "registrations": Count("id"),
        "children": Count("child", distinct=True),
        "amount": Sum("amount"),
    }
    if with_days:
        aggregates["days"] = Sum(_booked_days())
    figures = registrations.order_by().aggregate(**aggregates)
    return Totals(
        registrations=figures["registrations"] or 0,
        children=figures["children"] or 0,
        days=(figures["days"] or 0) if with_days else None,
        amount=figures["amount"] or Decimal("0.00"),
    )


def total_days(registrations: QuerySet) -> int:
    """The days booked by the whole filtered set, in one query (a half-day and a meal make one day)."""
    return registrations.order_by().aggregate(days=Sum(_booked_days()))["days"] or 0


# What a unit's count reads as on a row, by kind; a day unit is already the number of days.
UNIT_WORDS = {
    Unit.Kind.HALF_DAY: ("demi-journée", "demi-journées"),
    Unit.Kind.MEAL: ("repas", "repas"),
}


@dataclass
class Booked:
    """What one registration holds: « 12 j · 10 repas », and the dates on a short period."""

    days: int = 0
    units: list[tuple[Unit, int]] = field(default_factory=list)
    dates: list[date] = field(default_factory=list)

    @property
    def summary(self) -> str:
        parts = [f"{self.days} j"]
        for unit, count in self.units:
            if unit.kind == Unit.Kind.DAY and count == self.days:
                continue
            singular, plural = UNIT_WORDS.get(unit.kind, (unit.name.lower(), unit.name.lower()))
            parts.append(f"{count} {singular if count == 1 else plural}")
        return " · ".join(parts)


def booked_of(registrations: list[dict], units: list[Unit], *, with_dates: bool) -> dict[int, Booked]:
    """Each row's units (one query) and, on a short period, its dates (one more)."""
    ids = [registration["id"] for registration in registrations]
    booked = {registration["id"]: Booked(days=registration["day_count"]) for registration in registrations}
    if not ids:
        return booked
    by_id = {unit.pk: unit for unit in units}
    counts = (
        BookedUnit.objects.filter(registration_id__in=ids)
        .order_by()
        .values_list("registration_id", "unit_id")
        .annotate(count=Count("id"))
    )
    for registration_id, unit_id, count in counts:
        if unit_id in by_id:
            booked[registration_id].units.append((by_id[unit_id], count))
    position = {unit.pk: index for index, unit in enumerate(units)}
    for entry in booked.values():
        entry.units.sort(key=lambda pair: position[pair[0].pk])
    if with_dates:
        dates = (
            BookedUnit.objects.filter(registration_id__in=ids)
            .order_by("registration_id", "day__date")
            .values_list("registration_id", "day__date")
            .distinct()
        )
        for registration_id, day in dates:
            booked[registration_id].dates.append(day)
    return booked

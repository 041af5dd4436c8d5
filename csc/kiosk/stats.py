"""The kiosk's figures, from its anonymous events: visits, clicks per procedure, searches (and those
that found nothing), by hour, day and month; and the survey's answers. Every figure is a GROUP BY, a
handful of queries whatever the number of events. Hours and days are Paris time."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import Count, Q
from django.db.models.functions import ExtractHour, TruncDate, TruncMonth
from django.utils import timezone
from django.utils.dateformat import format as date_format

from .models import KioskEvent, Organisation, SurveyAnswer, Tile

KIND = KioskEvent.Kind
EMPTY_SEARCHES_SHOWN = 30
RECENT_SHOWN = 15


def bounds(start: date, end: date) -> tuple[datetime, datetime]:
    """Aware datetimes from the first day's midnight to the midnight after the last day."""
    tz = timezone.get_current_timezone()
    return (
        timezone.make_aware(datetime.combine(start, time.min), tz),
        timezone.make_aware(datetime.combine(end + timedelta(days=1), time.min), tz),
    )


@dataclass
class Counts:
    visits: int = 0
    clicks: int = 0
    searches: int = 0
    empty_searches: int = 0
    ends: int = 0

    def add(self, kind: int, number: int, empty: int = 0) -> None:
        if kind == KIND.VISIT:
            self.visits += number
        elif kind == KIND.CLICK:
            self.clicks += number
        elif kind == KIND.SEARCH:
            self.searches += number
            self.empty_searches += empty
        elif kind == KIND.END:
            self.ends += number


@dataclass
class Line:
    """A row of a table with a bar: a day, an hour, a procedure, a search."""

    label: str
    counts: Counts
    share: int = 0  # percent of the table's largest value, for the bar
    day: date | None = None


@dataclass
class Survey:
    answers: int = 0
    outcomes: list[tuple[str, int]] = field(default_factory=list)
    organisations: list[tuple[str, int]] = field(default_factory=list)
    ages: list[tuple[str, int]] = field(default_factory=list)


@dataclass
class Statistics:
    start: date
    end: date
    totals: Counts
    days: list[Line]
    hours: list[Line]
    procedures: list[tuple[str, int, int]]  # label, clicks, percent of the largest
    empty_searches: list[tuple[str, int]]
    top_searches: list[tuple[str, int]]
    survey: Survey


def _events(centre_id: int, start: date, end: date):
    since, until = bounds(start, end)
    return KioskEvent.objects.filter(centre_id=centre_id, at__gte=since, at__lt=until)


def _shares(lines: list[Line], measure) -> list[Line]:
    top = max((measure(line.counts) for line in lines), default=0)
    for line in lines:
        line.share = round(100 * measure(line.counts) / top) if top else 0
    return lines


def statistics(centre_id: int, start: date, end: date) -> Statistics:
    """The figures of a centre's kiosk between two days inclusive. Six queries."""
    events = _events(centre_id, start, end)
    totals = Counts()
    per_day: dict[date, Counts] = {}
    for row in (
        events.annotate(day=TruncDate("at"))
        .values("day", "kind")
        .annotate(number=Count("id"), empty=Count("id", filter=Q(kind=KIND.SEARCH, results=0)))
        .order_by()
    ):
        totals.add(row["kind"], row["number"], row["empty"])
        per_day.setdefault(row["day"], Counts()).add(row["kind"], row["number"], row["empty"])
    days = []
    day = start
    while day <= end:
        days.append(Line(f"{day:%d/%m}", per_day.get(day, Counts()), day=day))
        day += timedelta(days=1)

    per_hour: dict[int, Counts] = {}
    for row in (
        events.annotate(hour=ExtractHour("at")).values("hour", "kind").annotate(number=Count("id")).order_by()
    ):
        per_hour.setdefault(row["hour"], Counts()).add(row["kind"], row["number"])
    opening = [
        h for h in sorted(per_hour) if per_hour[h].visits or per_hour[h].clicks or per_hour[h].searches
    ]
    first, last = (min(opening[0], 8), max(opening[-1], 19)) if opening else (8, 19)
    hours = [Line(f"{h} h", per_hour.get(h, Counts())) for h in range(first, last + 1)]

    clicks = Counter(
        dict(
            events.filter(kind=KIND.CLICK)
            .values("tile_id")
            .annotate(number=Count("id"))
            .order_by()
            .values_list("tile_id", "number")
        )
    )
    labels = {t.pk: t.label for t in Tile.objects.filter(pk__in=list(clicks)).select_related("procedure")}
    top = max(clicks.values(), default=0)
    procedures = [
        (labels.get(tile_id, "Tuile retirée"), number, round(100 * number / top) if top else 0)
        for tile_id, number in sorted(clicks.items(), key=lambda item: (-item[1], labels.get(item[0], "")))
    ]
    searches = events.filter(kind=KIND.SEARCH).values("query")
    empty = list(
        searches.filter(results=0)
        .annotate(number=Count("id"))
        .order_by("-number", "query")
        .values_list("query", "number")[:EMPTY_SEARCHES_SHOWN]
    )
    top_searches = list(
        searches.annotate(number=Count("id")).order_by("-number", "query").values_list("query", "number")[:10]
    )
    return Statistics(
        start=start,
        end=end,
        totals=totals,
        days=_shares(days, lambda c: c.visits),
        hours=_shares(hours, lambda c: c.visits),
        procedures=procedures,
        empty_searches=empty,
        top_searches=top_searches,
        survey=survey(centre_id, start, end),
    )


def survey(centre_id: int, start: date, end: date) -> Survey:
    since, until = bounds(start, end)
    answers = SurveyAnswer.objects.filter(centre_id=centre_id, at__gte=since, at__lt=until)
    result = Survey()
    counted = {"outcome": Counter(), "organisation": Counter(), "age_band": Counter()}
    for row in answers.values("outcome", "organisation", "age_band").annotate(number=Count("id")).order_by():
        result.answers += row["number"]
        for name, counter in counted.items():
            if row[name]:
                counter[row[name]] += row["number"]
    result.outcomes = [(label, counted["outcome"][value]) for value, label in SurveyAnswer.Outcome.choices]
    result.organisations = [
        (label, counted["organisation"][value])
        for value, label in Organisation.choices
        if counted["organisation"][value]
    ]
    result.ages = [(label, counted["age_band"][value]) for value, label in SurveyAnswer.AgeBand.choices]
    return result


MONTHS_SHOWN = 12


def months(centre_id: int, today: date) -> list[Line]:
    """The last twelve months, this one included: the visits' trend, one query."""
    first = today.replace(day=1)
    for _ in range(MONTHS_SHOWN - 1):
        first = (first - timedelta(days=1)).replace(day=1)
    per_month: dict[tuple[int, int], Counts] = {}
    rows = (
        _events(centre_id, first, today)
        .annotate(month=TruncMonth("at"))
        .values("month", "kind")
        .annotate(number=Count("id"), empty=Count("id", filter=Q(kind=KIND.SEARCH, results=0)))
        .order_by()
    )
    for row in rows:
        month = row["month"]
        per_month.setdefault((month.year, month.month), Counts()).add(
            row["kind"], row["number"], row["empty"]
        )
    lines = []
    month = first
    while month <= today:
        lines.append(
            Line(date_format(month, "F Y"), per_month.get((month.year, month.month), Counts()), day=month)
        )
        month = (month + timedelta(days=32)).replace(day=1)
    return _shares(lines, lambda c: c.visits)


@dataclass
class Recent:
    at: datetime
    what: str


def recent(centre_id: int, day: date) -> list[Recent]:
    """The last things that happened today, newest first: the referent's live view."""
    rows = (
        _events(centre_id, day, day).select_related("tile__procedure").order_by("-at", "-id")[:RECENT_SHOWN]
    )
    result = []
    for event in rows:
        if event.kind == KIND.CLICK:
            what = f"Clic : {event.tile.label}" if event.tile else "Clic"
        elif event.kind == KIND.SEARCH:
            found = "aucun résultat" if event.results == 0 else f"{event.results} résultat(s)"
            what = f"Recherche « {event.query} » ({found})"
        else:
            what = event.get_kind_display()
        result.append(Recent(timezone.localtime(event.at), what))
    return result

"""Attendance reports (« Bilans de fréquentation »): anonymous figures for a centre, an activity, a
territory or the whole network, over a month or any period.

Read-only. Every figure is a GROUP BY in the database, and a report costs the same few queries whatever
the number of centres, activities or people: a month of the whole network is about 280,000 attendance
rows, which never travel to Python one by one. The queries filter on the attendance's own copy of the
centre, activity and date (see `Attendance`), so they read one table through its (centre, date) or
(date, centre) index.

What the figures mean (docs/bilans.md says it for the directors):

- *séances tenues*: sessions not cancelled, dated up to today;
- *présences*: attendance marked present, plus the people counted at open-door sessions (head counts);
- *participants différents*: distinct people marked present (head counts have no names, so they are
  listed apart and never counted as participants);
- *heures réalisées*: for a named presence, the hours the session counts for the funders
  (`Session.counted_hours`, copied on the attendance: the whole slot as soon as the person came, within
  the CAF's cap for that slot); for a head count, the number of people × the session's counted hours;
- *nouveaux*: participants with no presence in the same scope before the period's first day — the same
  centre, or the same activity when the report is about one activity (and in the breakdown per activity);
- absences and excused absences: attendance marked so.

Periods end at today at most: a session of next week is not « held » yet.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db import connection
from django.db.models import Count, DecimalField, F, Sum
from django.utils import timezone

from csc.core.models import Centre
from csc.core.replica import read_connection
from csc.core.text import normalize
from csc.people.models import Person

from ..models import Activity, Attendance, HeadCount, Session

ZERO = Decimal("0.00")
CENT = Decimal("0.01")
HOURS_FIELD = DecimalField(max_digits=14, decimal_places=2)
TOP_COMMUNES = 10

# Age bands at the period's first day: (label, lower age, upper age exclusive or None).
AGE_BANDS = [
    ("0-5 ans", 0, 6),
    ("6-11 ans", 6, 12),
    ("12-17 ans", 12, 18),
    ("18-25 ans", 18, 26),
    ("26-59 ans", 26, 60),
    ("60 ans et plus", 60, None),
]
AGE_UNKNOWN = "Âge inconnu"
SEXES = [("F", "Femmes"), ("M", "Hommes"), ("X", "Non précisé")]
QPV_LABELS = [(True, "Habite en QPV"), (False, "N'habite pas en QPV")]
COMMUNE_UNKNOWN = "Commune non renseignée"
OTHER_COMMUNES = "Autres communes"
CATEGORY_LABELS = dict(HeadCount.Category.choices)


# --- Results ---------------------------------------------------------------------------------------


@dataclass
class Figures:
    """The main figures of a scope (a centre, an activity, a territory, the network)."""

    sessions: int = 0
    named_presences: int = 0
    counted_presences: int = 0
    participants: int = 0
    new: int = 0
    named_hours: Decimal = ZERO
    counted_hours: Decimal = ZERO
    absent: int = 0
    excused: int = 0

    @property
    def presences(self) -> int:
        """Named presences plus the people counted at open-door sessions."""
        return self.named_presences + self.counted_presences

    @property
    def hours(self) -> Decimal:
        return self.named_hours + self.counted_hours

    @property
    def returning(self) -> int:
        return self.participants - self.new

    def add(self, other: Figures) -> Figures:
        """Add another scope's figures to these (a subtotal). Participants add up across centres, a
        person belonging to one centre; across the activities of a centre they do not (see
        `centre_report`)."""
        self.sessions += other.sessions
        self.named_presences += other.named_presences
        self.counted_presences += other.counted_presences
        self.participants += other.participants
        self.new += other.new
        self.named_hours += other.named_hours
        self.counted_hours += other.counted_hours
        self.absent += other.absent
        self.excused += other.excused
        return self


@dataclass(frozen=True)
class Share:
    """One line of a typology table: a label, how many participants, and their share of the total."""

    label: str
    count: int
    total: int

    @property
    def percent(self) -> int:
        return round(100 * self.count / self.total) if self.total else 0


@dataclass
class Typology:
    """Who the distinct participants are: age at the first day, sex, QPV residence, commune."""

    total: int = 0
    ages: list[Share] = field(default_factory=list)
    sexes: list[Share] = field(default_factory=list)
    qpv: list[Share] = field(default_factory=list)
    communes: list[Share] = field(default_factory=list)

    def tables(self) -> list[tuple[str, str, list[Share]]]:
        """(title, first column's header, lines) for each table, in the order pages show them."""
        return [
            ("Âge au premier jour de la période", "Tranche d'âge", self.ages),
            ("Sexe", "Sexe", self.sexes),
            ("Résidence en quartier prioritaire (QPV)", "Résidence", self.qpv),
            ("Commune de résidence", "Commune", self.communes),
        ]


@dataclass(frozen=True)
class HeadCountLine:
    """People counted without names at open-door sessions, for one category."""

    label: str
    count: int
    hours: Decimal


@dataclass
class ActivityLine:
    activity_id: int
    name: str
    kind: str
    counts_only: bool
    figures: Figures


@dataclass
class CentreReport:
    """The report of one centre (or of one of its activities) over a period."""

    start: date
    end: date
    activity_id: int | None
    totals: Figures
    activities: list[ActivityLine]
    typology: Typology
    head_counts: list[HeadCountLine]


@dataclass
class CentreLine:
    centre_id: int
    name: str
    figures: Figures


@dataclass
class TerritoryBlock:
    territory_id: int
    name: str
    centres: list[CentreLine]
    subtotal: Figures


@dataclass
class NetworkReport:
    """The roll-up of several centres, by territory, with subtotals, totals and the overall typology."""

    start: date
    end: date
    territories: list[TerritoryBlock]
    totals: Figures
    typology: Typology
    head_counts: list[HeadCountLine]

    @property
    def centre_count(self) -> int:
        return sum(len(block.centres) for block in self.territories)


# --- Queries: each one query, grouped by a key (the centre or the activity) -------------------------


def _window(start: date, end: date, today: date | None) -> tuple[date, date]:
    today = today or timezone.localdate()
    return start, min(end, today)


def sessions_held(
    centre_ids: Collection[int], start: date, end: date, *, key: str, activity_id: int | None = None
) -> dict[int, int]:
    """Sessions not cancelled between start and end (inclusive), per `key` ("centre_id" or
    "activity_id"). One query."""
    sessions = Session.objects.filter(
        centre_id__in=centre_ids, date__gte=start, date__lte=end, status=Session.Status.PLANNED
    )
    if activity_id is not None:
        sessions = sessions.filter(activity_id=activity_id)
    return dict(sessions.order_by().values(key).annotate(n=Count("id")).values_list(key, "n"))


def attendance_by_status(
    centre_ids: Collection[int], start: date, end: date, *, key: str, activity_id: int | None = None
) -> dict[int, dict[str, tuple[int, Decimal]]]:
    """Attendance rows per `key` and status: {key: {status: (rows, sum of hours)}}. One query."""
    rows = Attendance.objects.filter(centre_id__in=centre_ids, date__gte=start, date__lte=end)
    if activity_id is not None:
        rows = rows.filter(activity_id=activity_id)
    result: dict[int, dict[str, tuple[int, Decimal]]] = {}
    for key_value, status, n, hours in (
        rows.order_by()
        .values(key, "status")
        .annotate(n=Count("id"), hours=Sum("hours", output_field=HOURS_FIELD))
        .values_list(key, "status", "n", "hours")
    ):
        result.setdefault(key_value, {})[status] = (n, _hours(hours))
    return result


def head_counts(
    centre_ids: Collection[int], start: date, end: date, *, key: str, activity_id: int | None = None
) -> dict[int, dict[str, tuple[int, Decimal]]]:
    """People counted at open-door sessions per `key` and category: {key: {category: (people, hours)}},
    the hours being count × the session's counted hours. One query (joined to the session)."""
    rows = HeadCount.objects.filter(centre_id__in=centre_ids, date__gte=start, date__lte=end)
    if activity_id is not None:
        rows = rows.filter(activity_id=activity_id)
    result: dict[int, dict[str, tuple[int, Decimal]]] = {}
    for key_value, category, n, hours in (
        rows.order_by()
        .values(key, "category")
        .annotate(
            n=Sum("count"),
            hours=Sum(F("count") * F("session__counted_hours"), output_field=HOURS_FIELD),
        )
        .values_list(key, "category", "n", "hours")
    ):
        result.setdefault(key_value, {})[category] = (n or 0, _hours(hours))
    return result


@dataclass(frozen=True)
class ParticipantGroup:
    """Distinct participants sharing a scope value and, when asked, the same typology and novelty."""

    scope_id: int
    band: str | None
    sex: str | None
    in_qpv: bool | None
    city: str | None
    seen_before: bool
    count: int


def years_after(day: date, years: int) -> date:
    """The same day `years` later (29 February becomes the 28th)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def years_before(day: date, years: int) -> date:
    """The same day `years` earlier (29 February becomes the 28th): someone born after it is younger
    than `years` on `day`."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def participant_groups(
    centre_ids: Collection[int],
    start: date,
    end: date,
    *,
    scope: str,
    activity_id: int | None = None,
    typology: bool = True,
) -> list[ParticipantGroup]:
    """Distinct people present between start and end, counted per `scope` ("centre_id" or
    "activity_id"), per whether they had been present in that same scope before `start`, and (with
    `typology`) per age band at `start`, sex, QPV residence and commune. One query.

    The distinct (scope, person) pairs are taken first, then each pair is joined to its person and
    probed once for an earlier presence through the (person, date) index: the probe runs per
    participant, not per attendance row. Written in SQL because the ORM cannot aggregate over a
    DISTINCT derived table; it runs unchanged on SQLite and PostgreSQL.
    """
    if scope not in ("centre_id", "activity_id"):
        raise ValueError(scope)
    if not centre_ids:
        return []
    qn = connection.ops.quote_name
    adapt = connection.ops.adapt_datefield_value
    attendance = qn(Attendance._meta.db_table)
    person = qn(Person._meta.db_table)
    day = qn("date")
    present = Attendance.Status.PRESENT

    params: list = []
    columns = ["p.scope_id"]
    if typology:
        # The band's index in AGE_BANDS, -1 without a birth date: born after the day N years before
        # `start` means younger than N on `start`.
        bands = ["WHEN pe.birth_date IS NULL THEN -1"]
        for index, (_, _, upper) in enumerate(AGE_BANDS):
            if upper is None:
                bands.append(f"ELSE {index}")
            else:
                bands.append(f"WHEN pe.birth_date > %s THEN {index}")
                params.append(adapt(years_before(start, upper)))
        columns += [f"CASE {' '.join(bands)} END", "pe.sex", "pe.in_qpv", "pe.city"]
    # Identifiers come from the models and the whitelist above; every value goes as a parameter.
    # The probe must walk the (person, date) index from the person's oldest row and stop at the first
    # match (a person has a few hundred rows at most). Given `b.centre_id = …` as is, PostgreSQL prefers
    # to AND the bitmaps of the person and centre indexes, and reads the centre's whole history (30,000
    # entries) for every participant: `+ 0` keeps that column out of the index choice.
    columns.append(
        f"CASE WHEN EXISTS (SELECT 1 FROM {attendance} b WHERE b.person_id = p.person_id "  # noqa: S608
        f"AND b.{day} < %s AND b.{scope} + 0 = p.scope_id AND b.status = %s) THEN 1 ELSE 0 END"
    )
    params += [adapt(start), present]
    grouped = ", ".join(str(n) for n in range(1, len(columns) + 1))
    inner = (
        f"SELECT DISTINCT a.{scope} AS scope_id, a.person_id FROM {attendance} a "  # noqa: S608
        f"WHERE a.centre_id IN ({', '.join(['%s'] * len(centre_ids))}) "
        f"AND a.{day} >= %s AND a.{day} <= %s AND a.status = %s"
    )
    params += [*centre_ids, adapt(start), adapt(end), present]
    if activity_id is not None:
        inner += " AND a.activity_id = %s"
        params.append(activity_id)
    join = f" JOIN {person} pe ON pe.id = p.person_id" if typology else ""
    sql = f"SELECT {', '.join(columns)}, COUNT(*) FROM ({inner}) p{join} GROUP BY {grouped}"  # noqa: S608
    # A report's heaviest query: on the replica when the view reads there (csc.core.replica).
    with read_connection().cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    groups = []
    for row in rows:
        if typology:
            scope_id, band, sex, in_qpv, city, seen, count = row
            label = AGE_BANDS[band][0] if band is not None and band >= 0 else AGE_UNKNOWN
            groups.append(ParticipantGroup(scope_id, label, sex, bool(in_qpv), city, bool(seen), count))
        else:
            scope_id, seen, count = row
            groups.append(ParticipantGroup(scope_id, None, None, None, None, bool(seen), count))
    return groups


# --- Assembling ------------------------------------------------------------------------------------


def natural_key(name: str) -> list:
    """Sort « Centre 2 » before « Centre 10 », ignoring case and accents."""
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", normalize(name))]


def _hours(value) -> Decimal:
    # SQLite sums decimals as floats: back to exact cents.
    if value is None:
        return ZERO
    return Decimal(str(value)).quantize(CENT)


def _fill(
    figures: Figures,
    sessions: int,
    statuses: Mapping[str, tuple[int, Decimal]],
    counts: Mapping[str, tuple[int, Decimal]],
) -> Figures:
    figures.sessions += sessions
    present = statuses.get(Attendance.Status.PRESENT, (0, ZERO))
    figures.named_presences += present[0]
    figures.named_hours += present[1]
    figures.absent += statuses.get(Attendance.Status.ABSENT, (0, ZERO))[0]
    figures.excused += statuses.get(Attendance.Status.EXCUSED, (0, ZERO))[0]
    for n, hours in counts.values():
        figures.counted_presences += n
        figures.counted_hours += hours
    return figures


def _add_participants(figures_by_key: Mapping[int, Figures], groups: Iterable[ParticipantGroup]) -> None:
    for group in groups:
        figures = figures_by_key.get(group.scope_id)
        if figures is None:
            continue
        figures.participants += group.count
        if not group.seen_before:
            figures.new += group.count


def build_typology(groups: Iterable[ParticipantGroup]) -> Typology:
    """The typology tables from participant groups (summed over their scopes). Communes are merged
    whatever their case or accents (« LILLE », « Lille »), shown under their most frequent spelling;
    the ten largest are listed, the others summed as « Autres communes »."""
    ages: Counter = Counter()
    sexes: Counter = Counter()
    qpv: Counter = Counter()
    by_city: Counter = Counter()
    for group in groups:
        ages[group.band] += group.count
        sexes[group.sex] += group.count
        qpv[group.in_qpv] += group.count
        by_city[group.city or ""] += group.count
    total = sum(ages.values())
    # Normalised once per spelling, not per group: a network month has tens of thousands of groups
    # and a few hundred spellings.
    communes: dict[str, Counter] = {}
    unknown_commune = 0
    for raw, count in by_city.items():
        city = raw.strip()
        key = normalize(city)
        if not key:
            unknown_commune += count
        else:
            communes.setdefault(key, Counter())[city] += count

    age_lines = [Share(label, ages.get(label, 0), total) for label, _, _ in AGE_BANDS]
    age_lines.append(Share(AGE_UNKNOWN, ages.get(AGE_UNKNOWN, 0), total))
    known_sexes = {code for code, _ in SEXES}
    sex_lines = [
        Share(label, sexes.get(code, 0) + (_others(sexes, known_sexes) if code == "X" else 0), total)
        for code, label in SEXES
    ]
    qpv_lines = [Share(label, qpv.get(flag, 0), total) for flag, label in QPV_LABELS]
    merged = sorted(
        (
            (sum(spellings.values()), max(spellings.items(), key=lambda item: (item[1], item[0]))[0])
            for spellings in communes.values()
        ),
        key=lambda item: (-item[0], natural_key(item[1])),
    )
    commune_lines = [Share(name, count, total) for count, name in merged[:TOP_COMMUNES]]
    others = sum(count for count, _ in merged[TOP_COMMUNES:])
    if others:
        commune_lines.append(Share(OTHER_COMMUNES, others, total))
    if unknown_commune:
        commune_lines.append(Share(COMMUNE_UNKNOWN, unknown_commune, total))
    return Typology(total=total, ages=age_lines, sexes=sex_lines, qpv=qpv_lines, communes=commune_lines)


def _others(counts: Mapping, known: set) -> int:
    return sum(n for key, n in counts.items() if key not in known)


def _head_count_lines(by_key: Mapping[int, Mapping[str, tuple[int, Decimal]]]) -> list[HeadCountLine]:
    totals: dict[str, list] = {category: [0, ZERO] for category in HeadCount.Category.values}
    for counts in by_key.values():
        for category, (n, hours) in counts.items():
            line = totals.setdefault(category, [0, ZERO])
            line[0] += n
            line[1] += hours
    return [
        HeadCountLine(str(CATEGORY_LABELS.get(category, category)), n, hours)
        for category, (n, hours) in totals.items()
    ]


@dataclass(frozen=True)
class ActivityInfo:
    name: str
    kind: str
    counts_only: bool


def activity_infos(centre_ids: Collection[int]) -> dict[int, ActivityInfo]:
    """The activities of the centres, by id, with what a report shows of them. One query."""
    kinds = dict(Activity.Kind.choices)
    return {
        pk: ActivityInfo(name, str(kinds.get(kind, kind)), counts_only)
        for pk, name, kind, counts_only in Activity.objects.filter(centre_id__in=centre_ids)
        .order_by("name", "id")
        .values_list("id", "name", "kind", "counts_only")
    }


def centre_report(
    centre_ids: Collection[int],
    start: date,
    end: date,
    *,
    activity_id: int | None = None,
    activities: Mapping[int, ActivityInfo] | None = None,
    today: date | None = None,
) -> CentreReport:
    """The report of a centre (usually one id) between start and end inclusive, or of one activity.

    Five queries (sessions, attendance, head counts, participants with typology, participants per
    activity; four for one activity), plus one for the activities' names unless `activities` is given.
    """
    start, end = _window(start, end, today)
    if activities is None:
        activities = activity_infos(centre_ids)
    key = "activity_id"
    sessions = sessions_held(centre_ids, start, end, key=key, activity_id=activity_id)
    statuses = attendance_by_status(centre_ids, start, end, key=key, activity_id=activity_id)
    counts = head_counts(centre_ids, start, end, key=key, activity_id=activity_id)
    # The centre's participants: new means new to the centre (or to the activity when filtered).
    overall = participant_groups(
        centre_ids,
        start,
        end,
        scope="activity_id" if activity_id is not None else "centre_id",
        activity_id=activity_id,
    )
    if activity_id is None:
        per_activity = participant_groups(centre_ids, start, end, scope="activity_id", typology=False)
    else:
        per_activity = overall

    by_activity: dict[int, Figures] = {}
    for pk in set(sessions) | set(statuses) | set(counts) | {g.scope_id for g in per_activity}:
        by_activity[pk] = _fill(Figures(), sessions.get(pk, 0), statuses.get(pk, {}), counts.get(pk, {}))
    _add_participants(by_activity, per_activity)

    totals = Figures()
    for figures in by_activity.values():
        totals.add(figures)
    # Someone who came to two activities is one participant of the centre, not two.
    totals.participants = sum(group.count for group in overall)
    totals.new = sum(group.count for group in overall if not group.seen_before)

    unknown = ActivityInfo("Activité", "", False)
    lines = [
        ActivityLine(pk, info.name, info.kind, info.counts_only, figures)
        for pk, figures in by_activity.items()
        for info in [activities.get(pk, unknown)]
    ]
    lines.sort(key=lambda line: (natural_key(line.name), line.activity_id))
    return CentreReport(
        start=start,
        end=end,
        activity_id=activity_id,
        totals=totals,
        activities=lines,
        typology=build_typology(overall),
        head_counts=_head_count_lines(counts),
    )


@dataclass(frozen=True)
class CentreInfo:
    centre_id: int
    name: str
    territory_id: int
    territory_name: str


def centre_infos(centre_ids: Collection[int]) -> list[CentreInfo]:
    """The centres of a roll-up with their territory. One query."""
    return [
        CentreInfo(pk, name, territory_id, territory_name)
        for pk, name, territory_id, territory_name in Centre.objects.filter(pk__in=centre_ids)
        .order_by("territory__name", "name", "id")
        .values_list("id", "name", "territory_id", "territory__name")
    ]


def _territory_then_name(centre: CentreInfo) -> tuple:
    return natural_key(centre.territory_name), natural_key(centre.name), centre.centre_id


def territory_blocks(
    centres: Iterable[CentreInfo], figures_by_centre: Mapping, new_figures
) -> tuple[list, object]:
    """One block per territory (natural order of names), its centres with their figures and its
    subtotal, and the total of all: for any figures that `add` one another (`new_figures()` makes an
    empty one). A centre without figures of its own is not left out: the caller gives it zeros."""
    blocks: dict[int, TerritoryBlock] = {}
    for centre in sorted(
        centres, key=lambda c: (natural_key(c.territory_name), natural_key(c.name), c.centre_id)
    ):
        block = blocks.get(centre.territory_id)
        if block is None:
            block = blocks[centre.territory_id] = TerritoryBlock(
                centre.territory_id, centre.territory_name, [], new_figures()
            )
        figures = figures_by_centre[centre.centre_id]
        block.centres.append(CentreLine(centre.centre_id, centre.name, figures))
        block.subtotal.add(figures)
    totals = new_figures()
    for block in blocks.values():
        totals.add(block.subtotal)
    return list(blocks.values()), totals


def network_report(
    centres: Iterable[CentreInfo], start: date, end: date, *, today: date | None = None
) -> NetworkReport:
    """The roll-up of the given centres between start and end inclusive: one line per centre (zeros
    included, so that a centre that recorded nothing shows), territory subtotals, totals, and the
    typology of all their participants. Four queries whatever the number of centres.

    A participant is counted once per centre, and « new » means new to that centre: a subtotal adds
    the centres' figures.
    """
    start, end = _window(start, end, today)
    centres = list(centres)
    centre_ids = [c.centre_id for c in centres]
    key = "centre_id"
    sessions = sessions_held(centre_ids, start, end, key=key)
    statuses = attendance_by_status(centre_ids, start, end, key=key)
    counts = head_counts(centre_ids, start, end, key=key)
    groups = participant_groups(centre_ids, start, end, scope="centre_id")

    by_centre = {
        c.centre_id: _fill(
            Figures(),
            sessions.get(c.centre_id, 0),
            statuses.get(c.centre_id, {}),
            counts.get(c.centre_id, {}),
        )
        for c in centres
    }
    _add_participants(by_centre, groups)

    territories, totals = territory_blocks(centres, by_centre, Figures)
    return NetworkReport(
        start=start,
        end=end,
        territories=territories,
        totals=totals,
        typology=build_typology(groups),
        head_counts=_head_count_lines(counts),
    )

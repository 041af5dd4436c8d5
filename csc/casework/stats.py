"""The figures of social follow-up: what counts, for which centres, grouped how, and what a reader above
the centres is shown. The only place these rules live; views and files only lay them out.

What counts, over a window (a calendar year, or any dates up to three years):

- Drafts never count: a draft is not yet a period of the centre (it may be dropped). Everything else
  does, confidential periods and anonymised people included: the figures name nobody.
- *Parcours suivis*: periods running at some point of the window — opened on or before its last day and
  not closed before its first day.
- *Personnes suivies*: the distinct people of those periods. Someone followed in two periods counts once
  in a total, and once in each group they fall in (two scopes, two issues).
- *Parcours ouverts* / *clôturés*: periods whose opening / closing date is in the window; closed ones
  by their closing reason.
- *Échanges*: exchanges dated in the window, whatever the period's status now; *heures*: the sum of
  their durations (an exchange without a duration counts as an exchange, not in the hours).

Groupings, like the rows and columns of a pivot table: month, exchange kind, social issue, scope,
worker, centre, territory, closing reason, origin of the request, and for people their sex and age band
on the window's first day. A period with two issues counts under each: the lines by issue do not add up
to the total, which counts it once. Scopes and issues are grouped by name, so that « Logement » of two
centres is one line of a territory's figures. A month of people or running periods means running during
that month (a conditional count per month, in the same query).

Who sees what:

- The centres are those where the user holds `casework.figures` (`centres_with`); nothing else reaches
  a query, and a centre asked for outside them is refused by the form.
- Nothing here names a followed person: only counts leave the database.
- Workers may be named, as a grouping, only to those who run the casework of every centre in the
  figures (director, coordinator: `casework.configure` through a role held in the centre). A social
  worker reads their centre's figures but not their colleagues' activity by name; a territory or the
  federation reads the work of the teams only as totals (the grouping is refused to them): the figures
  are there to steer and fund the service, not to rate people from afar.
- Small counts are masked for a reader from above: as soon as the figures cover a centre where the user
  holds no role of their own (a territory coordinator, the federation), a count of people or periods
  from 1 to 4 is shown « < 5 » — in a cell, a total or a key figure — because in a small centre « 1
  person, Budget, aged 60 and over, in March » points at someone. Exchanges and hours count acts, not
  people, and are not masked. Zero stays zero. The masking is primary only: a masked cell could
  sometimes be worked out from its line's total; the figures still name nobody.

Every figure is a GROUP BY (Count, Sum) in the database: a page costs the same few queries whatever the
number of periods and exchanges.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Case, Count, F, IntegerField, Q, QuerySet, Sum, Value, When
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.text import capfirst

from csc.activities.reports.exports import number
from csc.activities.reports.queries import natural_key, years_before
from csc.core.models import Centre
from csc.core.roles import capabilities_of
from csc.core.tenancy import active_roles, centres_with

from .capabilities import CASEWORK_CONFIGURE, CASEWORK_FIGURES
from .models import Exchange, Period, Scope, SocialIssue
from .queries import KIND_LABELS

FIGURES = CASEWORK_FIGURES
FIRST_YEAR = 1990
MAX_YEARS = 3
SMALL_COUNT = 5
MASKED = f"< {SMALL_COUNT}"
CENT = Decimal("0.01")

PeriodPerson = Period.persons.through
PeriodIssue = Period.issues.through

# Age bands on the window's first day: (label, lower age, upper age exclusive or None). Those of the
# funders of social follow-up (minors, the under-26 of the local missions, working age, seniors).
AGE_BANDS = [
    ("Moins de 18 ans", 0, 18),
    ("18-25 ans", 18, 26),
    ("26-44 ans", 26, 45),
    ("45-59 ans", 45, 60),
    ("60 ans et plus", 60, None),
]
AGE_UNKNOWN = "Âge inconnu"
NO_ISSUE = "Sans problématique"
NO_WORKER = "Intervenant(e) inconnu(e)"


# --- The window ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Window:
    """The days the figures cover, both included: a calendar year or any dates."""

    start: date
    end: date
    is_year: bool

    @classmethod
    def year(cls, year: int) -> Window:
        return cls(date(year, 1, 1), date(year, 12, 31), is_year=True)

    @property
    def label(self) -> str:
        if self.is_year:
            return str(self.start.year)
        return f"du {self.start:%d/%m/%Y} au {self.end:%d/%m/%Y}"

    @property
    def slug(self) -> str:
        if self.is_year:
            return str(self.start.year)
        return f"{self.start:%Y-%m-%d}-au-{self.end:%Y-%m-%d}"

    def params(self) -> dict[str, str]:
        if self.is_year:
            return {"annee": str(self.start.year)}
        return {"du": f"{self.start:%d/%m/%Y}", "au": f"{self.end:%d/%m/%Y}"}

    def months(self, today: date) -> list[tuple[date, date, date]]:
        """(first day of the month, first and last day of the window in it), up to today's month: a
        month to come has nothing to show yet."""
        last = min(self.end, today)
        months = []
        first = self.start.replace(day=1)
        while first <= last:
            following = (first + timedelta(days=32)).replace(day=1)
            months.append((first, max(first, self.start), min(following - timedelta(days=1), last)))
            first = following
        return months


# --- Who reads which centres -----------------------------------------------------------------------


@dataclass(frozen=True)
class Audience:
    """The centres whose figures a user reads, and through which kind of role."""

    centre_ids: frozenset[int]
    # Through a role held in the centre itself (not a territory's or the federation's).
    own_ids: frozenset[int]
    # Where they run the casework (casework.configure in the centre): director, coordinator.
    manager_ids: frozenset[int]


def audience_of(user) -> Audience:
    """One query at most (the user's roles, usually already loaded for the page's header)."""
    centre_ids = frozenset(centres_with(user, FIGURES))
    own: set[int] = set()
    managed: set[int] = set()
    for role in active_roles(user):
        if role.centre_id is None:
            continue
        capabilities = capabilities_of(role.role)
        if FIGURES in capabilities:
            own.add(role.centre_id)
            if CASEWORK_CONFIGURE in capabilities:
                managed.add(role.centre_id)
    return Audience(centre_ids, frozenset(own) & centre_ids, frozenset(managed) & centre_ids)


@dataclass(frozen=True)
class Selection:
    """What a page of figures covers: centres, window, optional scope and issue (by name), and how the
    reader may see it."""

    centre_ids: tuple[int, ...]
    window: Window
    scope: str = ""
    issue: str = ""
    masked: bool = False
    workers_named: bool = False


def select(
    audience: Audience, centre_ids: Iterable[int], window: Window, *, scope: str = "", issue: str = ""
) -> Selection:
    """The selection of some of the audience's centres (any other id is dropped), with the masking and
    the naming of workers that follow from the roles behind them (see the module's docstring)."""
    ids = set(centre_ids) & audience.centre_ids
    return Selection(
        centre_ids=tuple(sorted(ids)),
        window=window,
        scope=scope,
        issue=issue,
        masked=not ids <= audience.own_ids,
        workers_named=bool(ids) and ids <= audience.manager_ids,
    )


@dataclass(frozen=True)
class CentreInfo:
    centre_id: int
    name: str
    territory_id: int
    territory_name: str


@dataclass(frozen=True)
class Choices:
    """What the filters offer: the audience's centres (with their territory), the names of their scopes
    and of their issues. Three queries."""

    centres: list[CentreInfo]
    scopes: list[str]
    issues: list[str]

    @property
    def territories(self) -> dict[int, str]:
        return {c.territory_id: c.territory_name for c in self.centres}


def choices_for(audience: Audience) -> Choices:
    ids = audience.centre_ids
    centres = [
        CentreInfo(*row)
        for row in Centre.objects.filter(pk__in=ids)
        .order_by()
        .values_list("id", "name", "territory_id", "territory__name")
    ]
    centres.sort(key=lambda c: (natural_key(c.territory_name), natural_key(c.name), c.centre_id))
    scopes = Scope.objects.filter(centre_id__in=ids).order_by().values_list("name", flat=True).distinct()
    issues = (
        SocialIssue.objects.filter(centre_id__in=ids).order_by().values_list("name", flat=True).distinct()
    )
    return Choices(centres, sorted(scopes, key=natural_key), sorted(issues, key=natural_key))


# --- Measures and groupings ------------------------------------------------------------------------

# Where a measure's rows come from.
PEOPLE = "people"  # (period, person) pairs of running periods
RUNNING = "running"  # running periods
OPENED = "opened"
CLOSED = "closed"
EXCHANGES = "exchanges"


@dataclass(frozen=True)
class Measure:
    key: str
    label: str
    source: str
    explanation: str
    counts_people: bool = True  # masked for readers from above
    is_hours: bool = False


MEASURES: dict[str, Measure] = {
    m.key: m
    for m in [
        Measure(
            "personnes",
            "Personnes suivies",
            PEOPLE,
            "les personnes différentes des parcours en cours à un moment de la période",
        ),
        Measure(
            "parcours",
            "Parcours suivis",
            RUNNING,
            "les parcours ouverts avant la fin de la période et pas clôturés avant son début",
        ),
        Measure(
            "ouverts", "Parcours ouverts", OPENED, "les parcours dont la date d'ouverture est dans la période"
        ),
        Measure(
            "clotures",
            "Parcours clôturés",
            CLOSED,
            "les parcours dont la date de clôture est dans la période",
        ),
        Measure(
            "echanges",
            "Échanges",
            EXCHANGES,
            "les entretiens, visites, appels, accompagnements et démarches datés de la période",
            counts_people=False,
        ),
        Measure(
            "heures",
            "Heures d'échanges",
            EXCHANGES,
            "la somme des durées notées des échanges de la période",
            counts_people=False,
            is_hours=True,
        ),
    ]
}
PERIOD_MEASURES = frozenset({"personnes", "parcours", "ouverts", "clotures"})
ALL_MEASURES = frozenset(MEASURES)


@dataclass(frozen=True)
class Dimension:
    key: str
    label: str
    measures: frozenset[str]  # the measures it applies to
    # A period can fall in several of its groups: the groups do not add up to the total.
    overlaps: bool = False


DIMENSIONS: dict[str, Dimension] = {
    d.key: d
    for d in [
        Dimension("mois", "Mois", ALL_MEASURES),
        Dimension("type", "Type d'échange", frozenset({"echanges", "heures"})),
        Dimension("problematique", "Problématique", ALL_MEASURES, overlaps=True),
        Dimension("cercle", "Cercle", ALL_MEASURES),
        Dimension("intervenant", "Intervenant(e)", ALL_MEASURES),
        Dimension("centre", "Centre", ALL_MEASURES),
        Dimension("territoire", "Territoire", ALL_MEASURES),
        Dimension("motif", "Motif de clôture", frozenset({"clotures"})),
        Dimension("origine", "Origine de la demande", PERIOD_MEASURES),
        Dimension("sexe", "Sexe", frozenset({"personnes"})),
        Dimension("age", "Tranche d'âge", frozenset({"personnes"})),
    ]
}

REASON_LABELS = dict(Period.ClosingReason.choices)
ORIGIN_LABELS = dict(Period.Origin.choices)
SEX_LABELS = {"F": "Femmes", "M": "Hommes", "X": "Sexe non précisé"}
AGE_LABELS = {index: label for index, (label, _, _) in enumerate(AGE_BANDS)} | {-1: AGE_UNKNOWN}
# The groupings whose every value is listed, even at zero, in this order.
FIXED_KEYS = {
    "type": list(KIND_LABELS),
    "motif": list(REASON_LABELS),
    "origine": list(ORIGIN_LABELS),
    "sexe": list(SEX_LABELS),
    "age": [*range(len(AGE_BANDS)), -1],
}


def grouping_error(measure: Measure, dimension: Dimension, selection: Selection | None = None) -> str | None:
    """Why this grouping cannot break this measure down, in French; None when it can."""
    if measure.key not in dimension.measures:
        where = ", ".join(MEASURES[key].label.lower() for key in MEASURES if key in dimension.measures)
        return (
            f"« {dimension.label} » ne s'applique pas aux {measure.label.lower()} : ce regroupement vaut "
            f"seulement pour : {where}. Choisissez un autre regroupement ou une autre mesure."
        )
    if dimension.key == "intervenant" and selection is not None and not selection.workers_named:
        return (
            "Le regroupement par intervenant(e) est réservé à la direction et à la coordination du centre : "
            "les chiffres de plusieurs centres ou lus depuis un territoire ne nomment pas les équipes."
        )
    return None


# --- Queries ---------------------------------------------------------------------------------------


def _period_path(source: str) -> str:
    """From a measure's rows to their period."""
    return "period__" if source in (PEOPLE, EXCHANGES) else ""


def _of_selection(selection: Selection, p: str = "") -> Q:
    """The periods of the selection (p: the path to them), drafts left out. The issue filter is a
    subquery, so that it never multiplies the rows nor narrows a grouping by issue."""
    q = Q(**{f"{p}centre_id__in": selection.centre_ids}) & ~Q(**{f"{p}status": Period.Status.DRAFT})
    if selection.scope:
        q &= Q(**{f"{p}scope__name": selection.scope})
    if selection.issue:
        with_issue = PeriodIssue.objects.filter(
            socialissue__name=selection.issue, socialissue__centre_id__in=selection.centre_ids
        ).values("period_id")
        q &= Q(**{f"{p}id__in": with_issue})
    return q


def _running(start: date, end: date, p: str = "") -> Q:
    """Periods running at some point between start and end."""
    return Q(**{f"{p}opened_on__lte": end}) & (
        Q(**{f"{p}closed_on__isnull": True}) | Q(**{f"{p}closed_on__gte": start})
    )


def _opened(window: Window, p: str = "") -> Q:
    return Q(**{f"{p}opened_on__gte": window.start, f"{p}opened_on__lte": window.end})


def _closed(window: Window, p: str = "") -> Q:
    return Q(
        **{
            f"{p}status": Period.Status.CLOSED,
            f"{p}closed_on__gte": window.start,
            f"{p}closed_on__lte": window.end,
        }
    )


def _rows(source: str, selection: Selection) -> QuerySet:
    """The rows a measure counts, before any grouping."""
    window = selection.window
    if source == PEOPLE:
        return PeriodPerson.objects.filter(
            _of_selection(selection, "period__") & _running(window.start, window.end, "period__")
        )
    if source == EXCHANGES:
        return Exchange.objects.filter(
            _of_selection(selection, "period__"), happened_on__gte=window.start, happened_on__lte=window.end
        )
    periods = Period.objects.filter(_of_selection(selection))
    if source == RUNNING:
        return periods.filter(_running(window.start, window.end))
    if source == OPENED:
        return periods.filter(_opened(window))
    return periods.filter(_closed(window))


def _aggregate(measure: Measure, condition: Q | None = None):
    if measure.source == PEOPLE:
        return Count("person_id", distinct=True, filter=condition)
    if measure.is_hours:
        return Sum("duration_minutes", filter=condition)
    return Count("id", filter=condition)


def _age_band(start: date, path: str = "person__birth_date"):
    """The index of the age band on `start` (-1 without a birth date): born after the day N years before
    `start` means younger than N then."""
    whens = [When(**{f"{path}__isnull": True}, then=Value(-1))]
    for index, (_, _, upper) in enumerate(AGE_BANDS):
        if upper is not None:
            whens.append(When(**{f"{path}__gt": years_before(start, upper)}, then=Value(index)))
    return Case(*whens, default=Value(len(AGE_BANDS) - 1), output_field=IntegerField())


def _columns(dimension: str, source: str, selection: Selection) -> dict:
    """The grouping's columns: its key first (`g_<key>`), then what its label is made of."""
    p = _period_path(source)
    alias = f"g_{dimension}"
    if dimension == "mois":
        day = {OPENED: "opened_on", CLOSED: "closed_on", EXCHANGES: "happened_on"}[source]
        return {alias: TruncMonth(day)}
    if dimension == "type":
        return {alias: F("kind")}
    if dimension == "problematique":
        return {alias: F(f"{p}issues__name")}
    if dimension == "cercle":
        return {alias: F(f"{p}scope__name")}
    if dimension == "centre":
        return {alias: F(f"{p}centre_id"), f"{alias}_name": F(f"{p}centre__name")}
    if dimension == "territoire":
        return {alias: F(f"{p}centre__territory_id"), f"{alias}_name": F(f"{p}centre__territory__name")}
    if dimension == "intervenant":
        # Who did the exchange; for a period, its referent.
        who = "author" if source == EXCHANGES else f"{p}referent"
        return {
            alias: F(f"{who}_id"),
            f"{alias}_first": F(f"{who}__first_name"),
            f"{alias}_last": F(f"{who}__last_name"),
            f"{alias}_email": F(f"{who}__email"),
        }
    if dimension == "motif":
        return {alias: F(f"{p}closing_reason")}
    if dimension == "origine":
        return {alias: F(f"{p}origin")}
    if dimension == "sexe":
        return {alias: F("person__sex")}
    if dimension == "age":
        return {alias: _age_band(selection.window.start)}
    raise ValueError(dimension)


def _label(dimension: str, row: dict) -> str:
    key = row[f"g_{dimension}"]
    if dimension == "mois":
        return capfirst(date_format(key, "F Y"))
    if dimension == "type":
        return str(KIND_LABELS.get(key, key))
    if dimension == "problematique":
        return key or NO_ISSUE
    if dimension in ("centre", "territoire"):
        return row[f"g_{dimension}_name"]
    if dimension == "intervenant":
        if key is None:
            return NO_WORKER
        name = f"{row['g_intervenant_first'] or ''} {row['g_intervenant_last'] or ''}".strip()
        return name or row["g_intervenant_email"]
    if dimension == "motif":
        return str(REASON_LABELS.get(key, key or "Sans motif"))
    if dimension == "origine":
        return str(ORIGIN_LABELS.get(key, key or "Non renseignée"))
    if dimension == "sexe":
        return SEX_LABELS.get(key, SEX_LABELS["X"])
    if dimension == "age":
        return AGE_LABELS.get(key, AGE_UNKNOWN)
    return str(key)


def _month_label(first: date) -> str:
    return capfirst(date_format(first, "F Y"))


def _sort_key(dimension: str, key, label: str) -> tuple:
    if dimension == "mois":
        return (0, key)
    if dimension in FIXED_KEYS:
        order = FIXED_KEYS[dimension]
        return (0, order.index(key) if key in order else len(order), natural_key(label))
    # Names in natural order; « Sans problématique » and unknown workers last.
    return (key is None, natural_key(label), str(key))


@dataclass
class Counts:
    """A measure grouped by some dimensions: {(key, …): value} and each dimension's labels."""

    values: dict[tuple, int]
    labels: dict[str, dict]


def counts(
    selection: Selection, measure: Measure, dimensions: list[str], today: date | None = None
) -> Counts:
    """One query: the measure grouped by the dimensions (none: the total, under the key ()).

    A month of people or running periods is not a column of their rows: each month is a conditional
    count (running during that month) of the same query."""
    today = today or timezone.localdate()
    source = measure.source
    spread = "mois" in dimensions and source in (PEOPLE, RUNNING)
    grouped = [d for d in dimensions if not (spread and d == "mois")]
    rows = _rows(source, selection)
    columns: dict = {}
    for dimension in grouped:
        columns |= _columns(dimension, source, selection)
    if spread:
        months = selection.window.months(today)
        p = _period_path(source)
        aggregates = {
            f"m{index}": _aggregate(measure, _running(first_day, last_day, p))
            for index, (_, first_day, last_day) in enumerate(months)
        }
    else:
        months = []
        aggregates = {"n": _aggregate(measure)}
    if columns:
        results = rows.annotate(**columns).values(*columns).annotate(**aggregates).order_by()
    elif aggregates:
        results = [rows.order_by().aggregate(**aggregates)]
    else:  # a window of people by month with no month before today
        results = []
    values: dict[tuple, int] = {}
    labels: dict[str, dict] = {d: {} for d in dimensions}
    for row in results:
        key = tuple(row[f"g_{d}"] for d in grouped)
        for dimension in grouped:
            labels[dimension].setdefault(row[f"g_{dimension}"], _label(dimension, row))
        if spread:
            at = dimensions.index("mois")
            for index, (first, _, _) in enumerate(months):
                values[(*key[:at], first, *key[at:])] = row[f"m{index}"] or 0
        else:
            values[key] = row["n"] or 0
    if spread:
        labels["mois"] = {first: _month_label(first) for first, _, _ in months}
    return Counts(values, labels)


# --- Shown values: hours, masking, French numbers ----------------------------------------------------


@dataclass(frozen=True)
class Cell:
    """A figure as shown: its value for a spreadsheet (None when masked) and its French text."""

    value: int | Decimal | None
    text: str

    @property
    def is_masked(self) -> bool:
        return self.value is None


def hours(minutes: int | None) -> Decimal:
    return (Decimal(minutes or 0) / 60).quantize(CENT)


def cell(raw: int | None, *, masked: bool, counts_people: bool = True, is_hours: bool = False) -> Cell:
    """A count (minutes when `is_hours`) as shown to this reader: small counts of people or periods
    masked for a reader from above (see the module's docstring)."""
    raw = raw or 0
    if masked and counts_people and 0 < raw < SMALL_COUNT:
        return Cell(None, MASKED)
    value = hours(raw) if is_hours else raw
    return Cell(value, number(value, is_hours))


def measure_cell(measure: Measure, raw: int | None, selection: Selection) -> Cell:
    return cell(raw, masked=selection.masked, counts_people=measure.counts_people, is_hours=measure.is_hours)


# --- Key figures -----------------------------------------------------------------------------------


@dataclass
class Summary:
    """The key figures of a selection. Three queries."""

    persons: int
    running: int
    opened: int
    closed: int
    closed_by_reason: dict[str, int]
    exchanges: int
    minutes: int

    def value(self, measure: Measure) -> int:
        return {
            "personnes": self.persons,
            "parcours": self.running,
            "ouverts": self.opened,
            "clotures": self.closed,
            "echanges": self.exchanges,
            "heures": self.minutes,
        }[measure.key]


def summary(selection: Selection) -> Summary:
    window = selection.window
    persons = _rows(PEOPLE, selection).order_by().aggregate(n=Count("person_id", distinct=True))["n"]
    reasons = {
        f"closed_{reason}": Count("id", filter=_closed(window) & Q(closing_reason=reason))
        for reason in REASON_LABELS
    }
    periods = (
        Period.objects.filter(
            _of_selection(selection)
            & (_running(window.start, window.end) | _opened(window) | _closed(window))
        )
        .order_by()
        .aggregate(
            running=Count("id", filter=_running(window.start, window.end)),
            opened=Count("id", filter=_opened(window)),
            closed=Count("id", filter=_closed(window)),
            **reasons,
        )
    )
    exchanges = (
        _rows(EXCHANGES, selection).order_by().aggregate(n=Count("id"), minutes=Sum("duration_minutes"))
    )
    return Summary(
        persons=persons or 0,
        running=periods.get("running") or 0,
        opened=periods.get("opened") or 0,
        closed=periods.get("closed") or 0,
        closed_by_reason={reason: periods.get(f"closed_{reason}") or 0 for reason in REASON_LABELS},
        exchanges=exchanges.get("n") or 0,
        minutes=exchanges.get("minutes") or 0,
    )


@dataclass(frozen=True)
class SummaryLine:
    label: str
    cell: Cell
    detail: bool = False  # a « dont » line under the one above


def summary_lines(figures: Summary, selection: Selection) -> list[SummaryLine]:
    """The key figures as shown to this reader, in the order every page and file gives them."""
    masked = selection.masked
    lines = [
        SummaryLine("Personnes suivies", cell(figures.persons, masked=masked)),
        SummaryLine("Parcours suivis", cell(figures.running, masked=masked)),
        SummaryLine("Parcours ouverts", cell(figures.opened, masked=masked)),
        SummaryLine("Parcours clôturés", cell(figures.closed, masked=masked)),
    ]
    lines += [
        SummaryLine(f"dont « {label} »", cell(figures.closed_by_reason[reason], masked=masked), detail=True)
        for reason, label in REASON_LABELS.items()
        if figures.closed_by_reason[reason]
    ]
    lines += [
        SummaryLine("Échanges", cell(figures.exchanges, masked=masked, counts_people=False)),
        SummaryLine(
            "Heures d'échanges", cell(figures.minutes, masked=masked, counts_people=False, is_hours=True)
        ),
    ]
    return lines


# --- The pivot table -------------------------------------------------------------------------------


@dataclass
class PivotRow:
    label: str
    cells: list[Cell]
    total: Cell


@dataclass
class Pivot:
    """A measure in rows × columns, with the totals of each row, of each column and of all."""

    measure: Measure
    rows: Dimension
    columns: Dimension | None
    column_labels: list[str]
    lines: list[PivotRow]
    totals: list[Cell]
    total: Cell

    @property
    def title(self) -> str:
        title = f"{self.measure.label} par {self.rows.label.lower()}"
        if self.columns:
            title += f" et par {self.columns.label.lower()}"
        return title

    @property
    def total_label(self) -> str:
        """The last column's header: the measure itself when there are no columns."""
        return "Total" if self.columns else self.measure.label

    @property
    def overlaps(self) -> bool:
        """Whether the lines or columns may not add up to their totals (see the page's note)."""
        return not adds_up(self.measure, [self.rows.key] + ([self.columns.key] if self.columns else []))


def _keys(dimension: str, found: Iterable, labels: dict, selection: Selection, today: date) -> list:
    keys = set(found)
    if dimension == "mois":
        months = {first: _month_label(first) for first, _, _ in selection.window.months(today)}
        labels.update({k: v for k, v in months.items() if k not in labels})
        keys |= set(months)
    elif dimension in FIXED_KEYS:
        for key in FIXED_KEYS[dimension]:
            keys.add(key)
            labels.setdefault(key, _label(dimension, {f"g_{dimension}": key}))
    return sorted(keys, key=lambda k: _sort_key(dimension, k, labels.get(k, "")))


def adds_up(measure: Measure, dimensions: Iterable[str]) -> bool:
    """Whether the groups of these dimensions add up to the measure's totals: not for people (one
    person in two groups), issues (one period, two issues) nor months of running periods (one period,
    several months)."""
    dimensions = list(dimensions)
    if measure.source == PEOPLE or any(DIMENSIONS[d].overlaps for d in dimensions):
        return False
    return not (measure.source == RUNNING and "mois" in dimensions)


def pivot(
    selection: Selection,
    measure: Measure,
    rows: Dimension,
    columns: Dimension | None = None,
    *,
    total: int | None = None,
    today: date | None = None,
) -> Pivot:
    """The pivot table. One query for its cells; when they do not add up (`adds_up`), the totals of
    the rows and of the columns are their own queries, so that a person counts once in a total
    whatever their groups. The grand total is the key figure when given (`Summary.value`), one more
    query otherwise."""
    today = today or timezone.localdate()
    dimensions = [rows.key] + ([columns.key] if columns else [])
    by_cell = counts(selection, measure, dimensions, today)
    if total is None:
        if adds_up(measure, dimensions):
            total = sum(by_cell.values.values())
        else:
            total = counts(selection, measure, [], today).values.get((), 0)

    def shown(raw):
        return measure_cell(measure, raw, selection)

    row_labels = by_cell.labels[rows.key]
    row_keys = _keys(rows.key, {k[0] for k in by_cell.values}, row_labels, selection, today)
    if columns is None:
        lines = [PivotRow(row_labels[key], [], shown(by_cell.values.get((key,), 0))) for key in row_keys]
        return Pivot(measure, rows, None, [], lines, [], shown(total))

    column_labels = by_cell.labels[columns.key]
    if adds_up(measure, dimensions):
        row_totals: dict = {}
        column_totals: dict = {}
        for (row_key, column_key), value in by_cell.values.items():
            row_totals[row_key] = row_totals.get(row_key, 0) + value
            column_totals[column_key] = column_totals.get(column_key, 0) + value
    else:
        by_row = counts(selection, measure, [rows.key], today)
        by_column = counts(selection, measure, [columns.key], today)
        row_totals = {key[0]: value for key, value in by_row.values.items()}
        column_totals = {key[0]: value for key, value in by_column.values.items()}
        row_labels |= by_row.labels[rows.key]
        column_labels |= by_column.labels[columns.key]
        row_keys = _keys(rows.key, set(row_keys) | set(row_totals), row_labels, selection, today)
    column_keys = _keys(
        columns.key, {k[1] for k in by_cell.values} | set(column_totals), column_labels, selection, today
    )
    lines = [
        PivotRow(
            row_labels.get(row_key, str(row_key)),
            [shown(by_cell.values.get((row_key, column_key), 0)) for column_key in column_keys],
            shown(row_totals.get(row_key, 0)),
        )
        for row_key in row_keys
    ]
    totals = [shown(column_totals.get(key, 0)) for key in column_keys]
    return Pivot(measure, rows, columns, [column_labels[k] for k in column_keys], lines, totals, shown(total))


# --- The funders' activity report ------------------------------------------------------------------


@dataclass
class ReportLine:
    label: str
    cells: list[Cell]


@dataclass
class ActivityReport:
    """What the funders ask for each year: who was followed (sex, age), the periods opened and closed,
    the issues, the exchanges by kind and month and their hours, and per centre for several centres.
    Seven queries for one centre, ten for several."""

    selection: Selection
    summary: Summary
    summary_lines: list[SummaryLine]
    sexes: list[ReportLine]
    ages: list[ReportLine]
    issues: list[ReportLine]  # persons, running periods, periods opened
    origins: list[ReportLine]  # periods opened by origin
    reasons: list[ReportLine]  # periods closed by reason
    kinds: list[ReportLine]  # exchanges, hours
    months: list[ReportLine]  # exchanges, hours
    centres: list[ReportLine] = field(default_factory=list)


def _people_cell(raw, selection: Selection) -> Cell:
    return cell(raw, masked=selection.masked)


def _exchange_cells(n, minutes, selection: Selection) -> list[Cell]:
    return [
        cell(n, masked=selection.masked, counts_people=False),
        cell(minutes, masked=selection.masked, counts_people=False, is_hours=True),
    ]


def activity_report(selection: Selection, today: date | None = None) -> ActivityReport:
    today = today or timezone.localdate()
    window = selection.window
    figures = summary(selection)
    people = _rows(PEOPLE, selection).order_by()

    # Sex and age band in one query: a person has one of each, so the groups add up per sex or per band.
    by_sex: dict = dict.fromkeys(SEX_LABELS, 0)
    by_age: dict = dict.fromkeys(FIXED_KEYS["age"], 0)
    for row in (
        people.annotate(g_sexe=F("person__sex"), g_age=_age_band(window.start))
        .values("g_sexe", "g_age")
        .annotate(n=Count("person_id", distinct=True))
    ):
        sex = row["g_sexe"] if row["g_sexe"] in by_sex else "X"
        by_sex[sex] += row["n"]
        by_age[row["g_age"]] = by_age.get(row["g_age"], 0) + row["n"]

    issues = []
    for row in (
        people.annotate(g_problematique=F("period__issues__name"))
        .values("g_problematique")
        .annotate(
            persons=Count("person_id", distinct=True),
            periods=Count("period_id", distinct=True),
            opened=Count("period_id", distinct=True, filter=_opened(window, "period__")),
        )
    ):
        issues.append(
            ReportLine(
                _label("problematique", row),
                [_people_cell(row[k], selection) for k in ("persons", "periods", "opened")],
            )
        )
    issues.sort(key=lambda line: (line.label == NO_ISSUE, natural_key(line.label)))

    opened_by_origin = dict.fromkeys(ORIGIN_LABELS, 0)
    for origin, n in (
        _rows(OPENED, selection)
        .order_by()
        .values("origin")
        .annotate(n=Count("id"))
        .values_list("origin", "n")
    ):
        opened_by_origin[origin] = opened_by_origin.get(origin, 0) + n

    # Kinds and months in one query: exchanges add up.
    by_kind: dict = {kind: [0, 0] for kind in KIND_LABELS}
    by_month: dict = {first: [0, 0] for first, _, _ in window.months(today)}
    for row in (
        _rows(EXCHANGES, selection)
        .order_by()
        .annotate(g_type=F("kind"), g_mois=TruncMonth("happened_on"))
        .values("g_type", "g_mois")
        .annotate(n=Count("id"), minutes=Sum("duration_minutes"))
    ):
        for bucket, key in ((by_kind, row["g_type"]), (by_month, row["g_mois"])):
            line = bucket.setdefault(key, [0, 0])
            line[0] += row["n"]
            line[1] += row["minutes"] or 0

    report = ActivityReport(
        selection=selection,
        summary=figures,
        summary_lines=summary_lines(figures, selection),
        sexes=[ReportLine(SEX_LABELS[k], [_people_cell(n, selection)]) for k, n in by_sex.items()],
        ages=[ReportLine(AGE_LABELS[k], [_people_cell(n, selection)]) for k, n in by_age.items()],
        issues=issues,
        origins=[
            ReportLine(str(ORIGIN_LABELS.get(k, k)), [_people_cell(n, selection)])
            for k, n in opened_by_origin.items()
        ],
        reasons=[
            ReportLine(str(label), [_people_cell(figures.closed_by_reason[k], selection)])
            for k, label in REASON_LABELS.items()
        ],
        kinds=[
            ReportLine(str(KIND_LABELS.get(k, k)), _exchange_cells(n, minutes, selection))
            for k, (n, minutes) in by_kind.items()
        ],
        months=[
            ReportLine(_month_label(k), _exchange_cells(n, minutes, selection))
            for k, (n, minutes) in sorted(by_month.items())
        ],
    )
    if len(selection.centre_ids) > 1:
        report.centres = _centre_lines(selection)
    return report


def _centre_lines(selection: Selection) -> list[ReportLine]:
    """One line per centre: persons, running, opened, closed, exchanges, hours. Three queries."""
    window = selection.window
    centres = {
        pk: [name, territory, 0, 0, 0, 0, 0, 0]
        for pk, name, territory in Centre.objects.filter(pk__in=selection.centre_ids)
        .order_by()
        .values_list("id", "name", "territory__name")
    }
    for pk, n in (
        _rows(PEOPLE, selection)
        .order_by()
        .values("period__centre_id")
        .annotate(n=Count("person_id", distinct=True))
        .values_list("period__centre_id", "n")
    ):
        centres[pk][2] = n
    for pk, running, opened, closed in (
        Period.objects.filter(
            _of_selection(selection)
            & (_running(window.start, window.end) | _opened(window) | _closed(window))
        )
        .order_by()
        .values("centre_id")
        .annotate(
            running=Count("id", filter=_running(window.start, window.end)),
            opened=Count("id", filter=_opened(window)),
            closed=Count("id", filter=_closed(window)),
        )
        .values_list("centre_id", "running", "opened", "closed")
    ):
        centres[pk][3:6] = [running, opened, closed]
    for pk, n, minutes in (
        _rows(EXCHANGES, selection)
        .order_by()
        .values("period__centre_id")
        .annotate(n=Count("id"), minutes=Sum("duration_minutes"))
        .values_list("period__centre_id", "n", "minutes")
    ):
        centres[pk][6:8] = [n, minutes or 0]
    lines = []
    for name, territory, persons, running, opened, closed, n, minutes in sorted(
        centres.values(), key=lambda c: (natural_key(c[1]), natural_key(c[0]))
    ):
        lines.append(
            ReportLine(
                f"{name} ({territory})",
                [_people_cell(v, selection) for v in (persons, running, opened, closed)]
                + _exchange_cells(n, minutes, selection),
            )
        )
    return lines


def describe(selection: Selection, choices: Choices) -> str:
    """What the figures cover, for headings and files: a centre's name, a territory, or a number of
    centres; then the scope and issue filters."""
    by_id = {c.centre_id: c for c in choices.centres}
    centres = [by_id[pk] for pk in selection.centre_ids if pk in by_id]
    if len(centres) == 1:
        text = centres[0].name
    else:
        territories = {c.territory_name for c in centres}
        text = f"{len(centres)} centres"
        if len(territories) == 1:
            text = f"{next(iter(territories))} ({text})"
    if selection.scope:
        text += f" · cercle « {selection.scope} »"
    if selection.issue:
        text += f" · problématique « {selection.issue} »"
    return text

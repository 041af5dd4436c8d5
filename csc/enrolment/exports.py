"""Spreadsheets for reception and the director: who is registered, the members, what each family owes.

Each export is a list of columns and a generator of rows, read from the database in chunks: a period of
10,000 registrations never sits in memory as a whole, and the number of queries does not grow with it
(one streaming query, plus two per chunk of `CHUNK` rows). The same rows feed two writers:

- CSV as French Excel opens it with a double click: `;` between fields, UTF-8 with a byte-order mark
  (without it Excel reads "Hélène" as "HÃ©lÃ¨ne"), decimal comma, dates dd/mm/yyyy. It streams.
- XLSX through `csc.core.spreadsheets.write_xlsx_rows`: rows go to the file as they come, amounts are
  numbers shown in euros and dates are dates, so a director can sum and sort without retyping. The zip
  needs a seekable file, so the workbook goes to a temporary file (in memory while small) then is sent.

Values a family typed (names, e-mails) may start with "=", "+", "-" or "@": they are written as text,
never as formulas a spreadsheet would run (CSV injection).
"""

from __future__ import annotations

import csv
import re
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import lru_cache

from django.db.models import Case, Count, F, Sum, Value, When
from django.db.models.functions import Coalesce
from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.text import slugify

from csc.activities.models import BookedUnit, Group, Period, PeriodDay, Registration, Unit
from csc.core.replica import read_connection
from csc.core.spreadsheets import (
    DATE,
    DATE_FORMAT,
    INTEGER,
    MONEY,
    MONEY_FORMAT,
    TEXT,
    XLSX_CONTENT_TYPE,
    SheetColumn,
    as_text,
    write_xlsx_rows,
)
from csc.core.validators import display_phone
from csc.people.models import HouseholdMember, Membership, Season

# Rows read per round trip, and the size of the `IN (…)` lists of the per-chunk queries.
CHUNK = 1000
# Below this size the XLSX stays in memory; above, it spills to disk.
XLSX_SPOOL_BYTES = 8 * 1024 * 1024
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
WEEKDAYS = ["lun.", "mar.", "mer.", "jeu.", "ven.", "sam.", "dim."]

Column = SheetColumn
__all__ = ["DATE", "DATE_FORMAT", "INTEGER", "MONEY", "MONEY_FORMAT", "TEXT", "XLSX_CONTENT_TYPE"]


@dataclass
class Export:
    """What a writer needs: the sheet's name, the file's name (without extension), columns and rows.

    `rows` is a generator: it reads the database only while a writer consumes it.
    """

    sheet: str
    filename: str
    columns: list[Column]
    rows: Iterator[tuple]
    layout: str = ""  # for the registrations of a period: LAYOUT_DAYS, LAYOUT_LINES or LAYOUT_SUMMARY


@dataclass(frozen=True)
class Contact:
    name: str
    phone: str
    email: str
    members: int


NO_CONTACT = Contact("", "", "", 0)


def file_slug(name: str) -> str:
    # "Vacances du 21/12 au 01/01/2027" -> "vacances-du-21-12-au-01-01-2027", not "vacances-du-2112-…".
    return slugify(name.replace("/", "-")) or "export"


def _chunks(rows: Iterable) -> Iterator[list]:
    size = CHUNK
    chunk = []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


_FRENCH_E164 = re.compile(r"\+33([1-79])(\d\d)(\d\d)(\d\d)(\d\d)")


@lru_cache(maxsize=4096)
def _phone(value: str) -> str:
    """As the pages show it (06 12 34 56 78). Numbers are stored in E.164: the French ones of 01 to 09
    (not 08) are written here directly, since parsing costs a third of a 10,000-row export."""
    match = _FRENCH_E164.fullmatch(value)
    if match:
        return "0" + " ".join(match.groups())
    return display_phone(value)


_RELATION_RANK = {
    HouseholdMember.Relation.RESPONSIBLE: 0,
    HouseholdMember.Relation.PARTNER: 1,
    HouseholdMember.Relation.OTHER: 2,
}


def household_contacts(household_ids: Iterable[int]) -> dict[int, Contact]:
    """The person to call for each household, with the number of its members: one query.

    The responsible adult first, else the partner, else another adult; never a child.
    """
    best: dict[int, tuple] = {}
    members: dict[int, int] = {}
    rows = (
        HouseholdMember.objects.filter(household_id__in=set(household_ids))
        .order_by("id")
        .values_list(
            "household_id",
            "relation",
            "person__first_name",
            "person__last_name",
            "person__phone",
            "person__email",
        )
    )
    for household_id, relation, first, last, phone, email in rows:
        members[household_id] = members.get(household_id, 0) + 1
        rank = _RELATION_RANK.get(relation)
        if rank is None:
            continue
        if household_id not in best or rank < best[household_id][0]:
            best[household_id] = (rank, f"{first} {last}".strip(), phone, email)
    return {
        household_id: Contact(
            name=best[household_id][1] if household_id in best else "",
            phone=_phone(best[household_id][2]) if household_id in best else "",
            email=best[household_id][3] if household_id in best else "",
            members=count,
        )
        for household_id, count in members.items()
    }


# --- a. Registrations of a period ----------------------------------------------------------------------
#
# Three layouts, chosen by staff on the export form:
# - « une colonne par jour » (`jours`): reception reads it to know who comes on a given day, how many
#   meals to order; Excel's filter on a day's column gives the day's list and its count. Readable for a
#   holiday period (5 to 31 days), not for a school year (115 to 230 columns): refused above
#   MAX_DAY_COLUMNS days, with a message naming the two others;
# - « une ligne par enfant et par jour » (`lignes`): the long layout a pivot table or another program
#   reads, whatever the length of the period;
# - « résumé » (`resume`): one row per child, days booked per month and units booked per unit, with the
#   amount due and whom to call. The default for a long period.

LAYOUT_DAYS, LAYOUT_LINES, LAYOUT_SUMMARY = "jours", "lignes", "resume"
LAYOUTS = {
    LAYOUT_DAYS: "Une colonne par jour",
    LAYOUT_LINES: "Une ligne par enfant et par jour",
    LAYOUT_SUMMARY: "Résumé : une ligne par enfant",
}
MAX_DAY_COLUMNS = 31
MONTHS = ["janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc."]


class LayoutRefused(Exception):
    """A layout that does not suit the period; the message is French and names the ones that do."""


def default_layout(day_count: int) -> str:
    return LAYOUT_DAYS if day_count <= MAX_DAY_COLUMNS else LAYOUT_SUMMARY


def check_layout(layout: str, day_count: int) -> None:
    if layout == LAYOUT_DAYS and day_count > MAX_DAY_COLUMNS:
        raise LayoutRefused(
            f"Cette période compte {day_count} jours : une colonne par jour donnerait une feuille de "
            f"{day_count} colonnes, illisible. Choisissez « {LAYOUTS[LAYOUT_LINES]} » (pour un tableau "
            f"croisé dynamique) ou « {LAYOUTS[LAYOUT_SUMMARY]} » (jours réservés par mois et montant dû)."
        )


def registration_row_count(registrations, layout: str) -> int:
    """The number of rows the export will have (one query): a row per child, or per child and day."""
    if layout == LAYOUT_LINES:
        return (
            BookedUnit.objects.filter(registration__in=registrations)
            .values("registration_id", "day_id")
            .distinct()
            .count()
        )
    return registrations.count()


def period_registrations(period: Period, group: Group | None = None, layout: str | None = None) -> Export:
    """The children registered to a period (or one of its groups): their days in the chosen layout,
    what is due, whom to call. Raises LayoutRefused for a layout that does not suit the period."""
    days = list(period.days.order_by("date").values_list("id", "date"))
    layout = layout or default_layout(len(days))
    check_layout(layout, len(days))
    units = {
        pk: (position, name)
        for pk, position, name in Unit.objects.filter(activity_id=period.activity_id).values_list(
            "id", "position", "name"
        )
    }
    registrations = Registration.objects.filter(period=period, status=Registration.Status.ACTIVE)
    if group is not None:
        registrations = registrations.filter(group=group)
    registrations = registrations.order_by(
        "group__min_age", "group__name", "group_id", "child__last_name", "child__first_name", "id"
    ).values_list(*REGISTRATION_FIELDS)
    name = f"inscrits-{file_slug(period.name)}"
    if group is not None:
        name += f"-{file_slug(group.name)}"
    if layout != default_layout(len(days)):
        name += f"-{layout}"
    if layout == LAYOUT_LINES:
        return Export(
            sheet="Inscrits par jour",
            filename=name,
            columns=LINE_COLUMNS,
            rows=_line_rows(registrations, dict(days), units),
            layout=layout,
        )
    if layout == LAYOUT_SUMMARY:
        months = list(dict.fromkeys((day.year, day.month) for _, day in days))
        unit_order = sorted(units, key=lambda u: units[u])
        columns = [
            *CHILD_COLUMNS,
            *[Column(f"Jours {MONTHS[month - 1]} {year}", INTEGER, width=9) for year, month in months],
            *[Column(units[u][1], INTEGER, width=10) for u in unit_order],
            *FAMILY_COLUMNS,
        ]
        return Export(
            sheet="Résumé des inscrits",
            filename=name,
            columns=columns,
            rows=_summary_rows(registrations, months, unit_order),
            layout=layout,
        )
    columns = [
        *CHILD_COLUMNS,
        *[Column(f"{WEEKDAYS[day.weekday()]} {day:%d/%m}", width=12) for _, day in days],
        *FAMILY_COLUMNS,
    ]
    return Export(
        sheet="Inscrits",
        filename=name,
        columns=columns,
        rows=_registration_rows(registrations, [pk for pk, _ in days], units),
        layout=layout,
    )


REGISTRATION_FIELDS = (
    "id",
    "child__last_name",
    "child__first_name",
    "child__birth_date",
    "group__name",
    "amount",
    "family_quotient",
    "bracket_label",
    "household_id",
    "household__city",
    "household__name",
)
CHILD_COLUMNS = [
    Column("Nom", width=18),
    Column("Prénom", width=16),
    Column("Date de naissance", DATE, width=12),
    Column("Groupe", width=18),
]
FAMILY_COLUMNS = [
    Column("Jours réservés", INTEGER, width=9),
    Column("Montant dû", MONEY, width=12),
    Column("Quotient familial appliqué", MONEY, width=12),
    Column("Tranche", width=16),
    Column("Responsable du foyer", width=22),
    Column("Téléphone", width=16),
    Column("E-mail", width=28),
    Column("Commune", width=18),
]
LINE_COLUMNS = [
    Column("Nom", width=18),
    Column("Prénom", width=16),
    Column("Foyer", width=22),
    Column("Groupe", width=18),
    Column("Date", DATE, width=12),
    Column("Jour", width=6),
    Column("Unités réservées", width=28),
    Column("Prix du jour (avant réduction)", MONEY, width=12),
]


def _booked_days(chunk: list[tuple], bits: dict[int, int], with_price: bool = False) -> dict:
    """The days booked by the registrations of a chunk, by registration and day: the set of units of
    each day as a bit mask (bit i for the i-th unit) and, when asked, the day's price. One query that
    returns a row per child and day (a third fewer rows than the units booked, no Decimal per unit)."""
    mask = Sum(Case(*[When(unit_id=unit, then=Value(bit)) for unit, bit in bits.items()], default=Value(0)))
    rows = (
        BookedUnit.objects.filter(registration_id__in=[row[0] for row in chunk])
        .order_by()
        .values("registration_id", "day_id")
        .annotate(mask=mask, **({"price": Sum("price")} if with_price else {}))
        .values_list("registration_id", "day_id", "mask", *(["price"] if with_price else []))
    )
    booked: dict[int, dict[int, tuple]] = {}
    for registration_id, day_id, *day in rows:
        booked.setdefault(registration_id, {})[day_id] = day
    return booked


class _UnitLabels(dict):
    """« Matinée + Repas du midi » for a day's mask of units, in the units' order: computed once per mask."""

    def __init__(self, names: list[str]):
        super().__init__()
        self.names = names

    def __missing__(self, mask: int) -> str:
        label = self[mask] = " + ".join(name for i, name in enumerate(self.names) if mask & (1 << i))
        return label


def _unit_bits(units: dict[int, tuple[int, str]]) -> tuple[dict[int, int], list[str]]:
    ordered = sorted(units, key=lambda u: units[u])
    return {unit: 1 << index for index, unit in enumerate(ordered)}, [units[u][1] for u in ordered]


def _family_cells(row: tuple, days_booked: int, contact: Contact) -> tuple:
    _pk, _last, _first, _birth, _group, amount, quotient, bracket, _household, city, _name = row
    return (
        days_booked,
        amount,
        quotient,
        bracket,
        contact.name,
        contact.phone,
        contact.email,
        city,
    )


def _registration_rows(
    registrations, day_ids: list[int], units: dict[int, tuple[int, str]]
) -> Iterator[tuple]:
    bits, names = _unit_bits(units)
    labels = _UnitLabels(names)
    for chunk in _chunks(registrations.iterator(chunk_size=CHUNK)):
        booked = _booked_days(chunk, bits)
        contacts = household_contacts(row[8] for row in chunk)
        for row in chunk:
            by_day = booked.get(row[0], {})
            cells = [None] * len(day_ids)
            if by_day:
                for index, day_id in enumerate(day_ids):
                    day = by_day.get(day_id)
                    if day:
                        cells[index] = labels[day[0]]
            contact = contacts.get(row[8], NO_CONTACT)
            yield (row[1], row[2], row[3], row[4], *cells, *_family_cells(row, len(by_day), contact))


def _line_rows(registrations, dates: dict[int, date], units: dict[int, tuple[int, str]]) -> Iterator[tuple]:
    bits, names = _unit_bits(units)
    labels = _UnitLabels(names)
    for chunk in _chunks(registrations.iterator(chunk_size=CHUNK)):
        booked = _booked_days(chunk, bits, with_price=True)
        for row in chunk:
            by_day = booked.get(row[0], {})
            for day_id in sorted(by_day, key=dates.__getitem__):
                mask, price = by_day[day_id]
                day = dates[day_id]
                yield (row[1], row[2], row[10], row[4], day, WEEKDAYS[day.weekday()], labels[mask], price)


def _days_per_month(registration_ids: list[int]) -> list[tuple[int, int, int]]:
    """(registration id, year × 100 + month, days booked) for each registration and month: one query.

    Raw SQL, since the ORM can only count distinct days through COUNT(DISTINCT) over the join, which
    sorts every booked unit: here the unique index (registration, day, unit) gives the distinct days in
    order, and only the days meet the period's dates (three times faster on a school year)."""
    connection = read_connection()
    day = "d.date"
    if connection.vendor == "postgresql":
        month = f"(EXTRACT(YEAR FROM {day})::int * 100 + EXTRACT(MONTH FROM {day})::int)"
    else:
        month = f"CAST(strftime('%%Y%%m', {day}) AS integer)"
    booked, days = BookedUnit._meta.db_table, PeriodDay._meta.db_table
    placeholders = ", ".join(["%s"] * len(registration_ids))
    with connection.cursor() as cursor:
        distinct_days = (
            "SELECT DISTINCT registration_id, day_id "  # noqa: S608
            f'FROM "{booked}" WHERE registration_id IN ({placeholders})'
        )
        cursor.execute(  # the interpolations are table names and a fixed expression; values are parameters
            f'SELECT b.registration_id, {month}, COUNT(*) FROM ({distinct_days}) b JOIN "{days}" d '  # noqa: S608
            "ON d.id = b.day_id GROUP BY 1, 2",
            registration_ids,
        )
        return cursor.fetchall()


def _summary_rows(registrations, months: list[tuple[int, int]], unit_order: list[int]) -> Iterator[tuple]:
    """Days per month and units per unit of each child, counted by the database: two grouped queries
    per chunk, a few rows per child, whatever the number of units booked."""
    month_index = {month: index for index, month in enumerate(months)}
    unit_index = {unit: index for index, unit in enumerate(unit_order)}
    for chunk in _chunks(registrations.iterator(chunk_size=CHUNK)):
        ids = [row[0] for row in chunk]
        booked = BookedUnit.objects.filter(registration_id__in=ids).order_by()
        per_month: dict[int, list[int]] = {}
        for registration_id, month, days in _days_per_month(ids):
            counts = per_month.setdefault(registration_id, [0] * len(months))
            counts[month_index[divmod(month, 100)]] = days
        per_unit: dict[int, list[int]] = {}
        for registration_id, unit_id, count in (
            booked.values("registration_id", "unit_id")
            .annotate(n=Count("id"))
            .values_list("registration_id", "unit_id", "n")
        ):
            per_unit.setdefault(registration_id, [0] * len(unit_order))[unit_index[unit_id]] = count
        contacts = household_contacts(row[8] for row in chunk)
        for row in chunk:
            months_booked = per_month.get(row[0], [0] * len(months))
            units_booked = per_unit.get(row[0], [0] * len(unit_order))
            contact = contacts.get(row[8], NO_CONTACT)
            yield (
                row[1],
                row[2],
                row[3],
                row[4],
                *(count or None for count in months_booked),
                *(count or None for count in units_booked),
                *_family_cells(row, sum(months_booked), contact),
            )


# --- b. Memberships of a season ------------------------------------------------------------------------


def season_memberships(season: Season) -> Export:
    """The households (or people) who joined the centre for a season, with the fee and whom to call."""
    columns = [
        Column("Adhérent", width=24),
        Column("Membres du foyer", INTEGER, width=9),
        Column("Montant de l'adhésion", MONEY, width=12),
        Column("Quotient familial appliqué", MONEY, width=12),
        Column("Tranche", width=16),
        Column("Date d'adhésion", DATE, width=12),
        Column("Contact", width=22),
        Column("Téléphone", width=16),
        Column("E-mail", width=28),
        Column("Commune", width=18),
    ]
    memberships = (
        Membership.objects.in_force()
        .filter(season=season)
        .annotate(sort_name=Coalesce(F("household__name"), F("person__last_name"), Value("")))
        .order_by("sort_name", "person__first_name", "id")
        .values_list(
            "household_id",
            "household__name",
            "household__city",
            "person__first_name",
            "person__last_name",
            "person__phone",
            "person__email",
            "person__city",
            "fee",
            "family_quotient",
            "bracket_label",
            "created_at",
        )
    )
    return Export(
        sheet="Adhésions",
        filename=f"adhesions-{file_slug(season.name)}",
        columns=columns,
        rows=_membership_rows(memberships),
    )


def _membership_rows(memberships) -> Iterator[tuple]:
    for chunk in _chunks(memberships.iterator(chunk_size=CHUNK)):
        contacts = household_contacts(row[0] for row in chunk if row[0] is not None)
        for (
            household_id,
            household_name,
            household_city,
            first,
            last,
            phone,
            email,
            person_city,
            fee,
            quotient,
            bracket,
            created_at,
        ) in chunk:
            if household_id is not None:
                contact = contacts.get(household_id, NO_CONTACT)
                member, members, city = household_name, contact.members, household_city
            else:
                # A membership per person: the member is their own contact.
                name = f"{first} {last}".strip()
                contact = Contact(name, _phone(phone), email, 1)
                member, members, city = name, 1, person_city
            yield (
                member,
                members,
                fee,
                quotient,
                bracket,
                timezone.localdate(created_at),
                contact.name,
                contact.phone,
                contact.email,
                city,
            )


# --- c. Amounts due per household for a period --------------------------------------------------------


def period_amounts_due(period: Period) -> Export:
    """What each household owes for a period: the bracket applied, its children and units, the total.

    The total adds the registrations' amounts (already after sibling reductions) as Decimals in Python:
    SQLite would sum them as floats.
    """
    columns = [
        Column("Foyer", width=24),
        Column("Responsable du foyer", width=22),
        Column("Téléphone", width=16),
        Column("E-mail", width=28),
        Column("Commune", width=18),
        Column("Quotient familial appliqué", MONEY, width=12),
        Column("Tranche appliquée", width=16),
        Column("Enfants inscrits", INTEGER, width=9),
        Column("Unités réservées", INTEGER, width=9),
        Column("Total dû", MONEY, width=12),
    ]
    registrations = (
        Registration.objects.filter(period=period, status=Registration.Status.ACTIVE)
        .order_by("household__name", "household_id", "id")
        # Annotated before `values_list`, the count groups by registration: two children of one family
        # with the same amount stay two rows.
        .annotate(units=Count("booked_units"))
        .values_list(
            "household_id",
            "household__name",
            "household__city",
            "amount",
            "family_quotient",
            "bracket_label",
            "units",
        )
    )
    return Export(
        sheet="Montants dus",
        filename=f"montants-dus-{file_slug(period.name)}",
        columns=columns,
        rows=_amount_rows(registrations),
    )


def _distinct(values: list) -> list:
    return list(dict.fromkeys(v for v in values if v not in (None, "")))


def _amount_rows(registrations) -> Iterator[tuple]:
    current = None  # [household_id, name, city, contact, quotients, brackets, children, units, total]

    def finish(entry):
        household_id, name, city, contact, quotients, brackets, children, units, total = entry
        quotients = _distinct(quotients)
        # Registrations validated on different dates may carry different quotients: show them all
        # rather than pick one.
        if len(quotients) == 1:
            quotient = quotients[0]
        else:
            quotient = " / ".join(f"{q:.2f}".replace(".", ",") for q in quotients) or None
        return (
            name,
            contact.name,
            contact.phone,
            contact.email,
            city,
            quotient,
            " / ".join(_distinct(brackets)),
            children,
            units,
            total,
        )

    for chunk in _chunks(registrations.iterator(chunk_size=CHUNK)):
        contacts = household_contacts(row[0] for row in chunk)
        for household_id, name, city, amount, quotient, bracket, units in chunk:
            if current is None or current[0] != household_id:
                if current is not None:
                    yield finish(current)
                contact = contacts.get(household_id, NO_CONTACT)
                current = [household_id, name, city, contact, [], [], 0, 0, Decimal("0.00")]
            current[4].append(quotient)
            current[5].append(bracket)
            current[6] += 1
            current[7] += units
            current[8] += amount
    if current is not None:
        yield finish(current)


# --- Writers ---------------------------------------------------------------------------------------------


def _csv_text(value) -> str:
    # An apostrophe keeps Excel from running "=HYPERLINK(…)" typed as a first name.
    return as_text(str(value))


def _csv_value(kind: str, value) -> str:
    if value is None:
        return ""
    if kind == MONEY and isinstance(value, Decimal):
        return f"{value:.2f}".replace(".", ",")
    if kind == DATE and isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    if kind == INTEGER:
        return str(value)
    return _csv_text(value)


class _Echo:
    """A file-like object whose `write` hands back what it was given, for csv.writer to format a row."""

    def write(self, value):
        return value


def csv_chunks(export: Export, rows_per_chunk: int = 200) -> Iterator[bytes]:
    """The export as CSV bytes for French Excel, a few hundred rows at a time."""
    writer = csv.writer(_Echo(), delimiter=";", lineterminator="\r\n")
    kinds = [column.kind for column in export.columns]
    yield ("\ufeff" + writer.writerow([column.header for column in export.columns])).encode("utf-8")
    lines = []
    for row in export.rows:
        lines.append(
            writer.writerow([_csv_value(kind, value) for kind, value in zip(kinds, row, strict=True)])
        )
        if len(lines) >= rows_per_chunk:
            yield "".join(lines).encode("utf-8")
            lines = []
    if lines:
        yield "".join(lines).encode("utf-8")


def write_xlsx(export: Export, handle) -> int:
    """Write the export as an XLSX workbook to a seekable binary file. Returns the number of data rows."""
    return write_xlsx_rows(handle, export.sheet, export.columns, export.rows)


# --- Responses -------------------------------------------------------------------------------------------


def csv_response(export: Export) -> StreamingHttpResponse:
    response = StreamingHttpResponse(csv_chunks(export), content_type=CSV_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, f"{export.filename}.csv")
    response["Cache-Control"] = "private, no-store"  # personal data: no copy in a shared cache
    return response


def xlsx_response(export: Export) -> FileResponse:
    # Not a `with`: the file must outlive this function, FileResponse closes it.
    handle = tempfile.SpooledTemporaryFile(max_size=XLSX_SPOOL_BYTES)  # noqa: SIM115
    try:
        write_xlsx(export, handle)
        handle.seek(0)
    except BaseException:
        handle.close()
        raise
    # FileResponse closes (and so deletes) the temporary file once sent.
    response = FileResponse(
        handle, as_attachment=True, filename=f"{export.filename}.xlsx", content_type=XLSX_CONTENT_TYPE
    )
    response["Cache-Control"] = "private, no-store"
    return response


def response(export: Export, fmt: str):
    return xlsx_response(export) if fmt == "xlsx" else csv_response(export)

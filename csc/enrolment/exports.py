"""Spreadsheets for reception and the director: who is registered, the members, what each family owes.

Each export is a list of columns and a generator of rows, read from the database in chunks: a period of
10,000 registrations never sits in memory as a whole, and the number of queries does not grow with it
(one streaming query, plus two per chunk of `CHUNK` rows). The same rows feed two writers:

- CSV as French Excel opens it with a double click: `;` between fields, UTF-8 with a byte-order mark
  (without it Excel reads "Hélène" as "HÃ©lÃ¨ne"), decimal comma, dates dd/mm/yyyy. It streams.
- XLSX through openpyxl's write-only mode: rows go to the file as they come, amounts are numbers shown
  in euros and dates are dates, so a director can sum and sort without retyping. openpyxl needs a
  seekable file, so the workbook goes to a temporary file (in memory while small) that is then sent.

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

from django.db.models import Count, F, Value
from django.db.models.functions import Coalesce
from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.text import slugify

from csc.activities.models import BookedUnit, Group, Period, Registration, Unit
from csc.core.spreadsheets import XLSX_CONTENT_TYPE, as_text
from csc.core.validators import display_phone
from csc.people.models import HouseholdMember, Membership, Season

# Rows read per round trip, and the size of the `IN (…)` lists of the per-chunk queries.
CHUNK = 1000
# Below this size the XLSX stays in memory; above, it spills to disk.
XLSX_SPOOL_BYTES = 8 * 1024 * 1024
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
MONEY_FORMAT = '#,##0.00 "€"'
DATE_FORMAT = "DD/MM/YYYY"
WEEKDAYS = ["lun.", "mar.", "mer.", "jeu.", "ven.", "sam.", "dim."]

TEXT, INTEGER, MONEY, DATE = "text", "integer", "money", "date"


@dataclass(frozen=True)
class Column:
    header: str
    kind: str = TEXT
    width: int = 16  # in characters, for the XLSX


@dataclass
class Export:
    """What a writer needs: the sheet's name, the file's name (without extension), columns and rows.

    `rows` is a generator: it reads the database only while a writer consumes it.
    """

    sheet: str
    filename: str
    columns: list[Column]
    rows: Iterator[tuple]


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


def period_registrations(period: Period, group: Group | None = None) -> Export:
    """The children registered to a period (or one of its groups), their days, what is due, whom to call.

    One column per day of the period, holding the units booked that day ("Matinée + Repas du midi"):
    reception reads the export to know who comes on a given day, how many meals to order, whom to
    expect in the afternoon. With a column per day, Excel's filter on that column gives the day's list
    and its count; a single "Jours" text column would have to be read line by line. A period has 5 to
    about 40 days, which stays readable.
    """
    days = list(period.days.order_by("date").values_list("id", "date"))
    units = {
        pk: (position, name)
        for pk, position, name in Unit.objects.filter(activity_id=period.activity_id).values_list(
            "id", "position", "name"
        )
    }
    columns = [
        Column("Nom", width=18),
        Column("Prénom", width=16),
        Column("Date de naissance", DATE, width=12),
        Column("Groupe", width=18),
        *[Column(f"{WEEKDAYS[day.weekday()]} {day:%d/%m}", width=12) for _, day in days],
        Column("Jours réservés", INTEGER, width=9),
        Column("Montant dû", MONEY, width=12),
        Column("Quotient familial appliqué", MONEY, width=12),
        Column("Tranche", width=16),
        Column("Responsable du foyer", width=22),
        Column("Téléphone", width=16),
        Column("E-mail", width=28),
        Column("Commune", width=18),
    ]
    registrations = Registration.objects.filter(period=period, status=Registration.Status.ACTIVE)
    if group is not None:
        registrations = registrations.filter(group=group)
    registrations = registrations.order_by(
        "group__min_age", "group__name", "group_id", "child__last_name", "child__first_name", "id"
    ).values_list(
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
    )
    name = f"inscrits-{file_slug(period.name)}"
    if group is not None:
        name += f"-{file_slug(group.name)}"
    return Export(
        sheet="Inscrits",
        filename=name,
        columns=columns,
        rows=_registration_rows(registrations, [pk for pk, _ in days], units),
    )


def _registration_rows(
    registrations, day_ids: list[int], units: dict[int, tuple[int, str]]
) -> Iterator[tuple]:
    for chunk in _chunks(registrations.iterator(chunk_size=CHUNK)):
        booked: dict[int, dict[int, list[int]]] = {}
        for registration_id, day_id, unit_id in (
            BookedUnit.objects.filter(registration_id__in=[row[0] for row in chunk])
            .order_by()
            .values_list("registration_id", "day_id", "unit_id")
        ):
            booked.setdefault(registration_id, {}).setdefault(day_id, []).append(unit_id)
        contacts = household_contacts(row[8] for row in chunk)
        for pk, last, first, birth, group, amount, quotient, bracket, household_id, city in chunk:
            by_day = booked.get(pk, {})
            cells = []
            for day_id in day_ids:
                booked_units = by_day.get(day_id)
                if booked_units:
                    names = [units[u][1] for u in sorted(booked_units, key=lambda u: units[u])]
                    cells.append(" + ".join(names))
                else:
                    cells.append(None)
            contact = contacts.get(household_id, NO_CONTACT)
            yield (
                last,
                first,
                birth,
                group,
                *cells,
                len(by_day),
                amount,
                quotient,
                bracket,
                contact.name,
                contact.phone,
                contact.email,
                city,
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
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(export.sheet[:31])
    last_column = get_column_letter(len(export.columns))
    for index, column in enumerate(export.columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    sheet.freeze_panes = "A2"
    sheet.print_title_rows = "1:1"
    sheet.page_setup.orientation = "landscape"

    bold = Font(bold=True)
    header = []
    for column in export.columns:
        cell = WriteOnlyCell(sheet, value=column.header)
        cell.font = bold
        header.append(cell)
    sheet.append(header)

    # One styled cell per column, reused on every row: write-only mode writes a row's cells as soon
    # as they are appended, and a cell per value would cost a third of the export's time.
    styled: dict[int, WriteOnlyCell] = {}
    for index, column in enumerate(export.columns):
        if column.kind in (MONEY, DATE):
            cell = WriteOnlyCell(sheet)
            cell.number_format = MONEY_FORMAT if column.kind == MONEY else DATE_FORMAT
            styled[index] = cell

    def as_text(value: str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
        if value.startswith("=") or value in ERROR_CODES:
            cell = WriteOnlyCell(sheet, value=value)
            cell.data_type = "s"  # text, never a formula
            return cell
        return value

    count = 0
    for row in export.rows:
        values = list(row)
        for index, value in enumerate(values):
            if value is None:
                continue
            if index in styled and isinstance(value, (Decimal, date)):
                cell = styled[index]
                cell.value = value
                values[index] = cell
            elif isinstance(value, str):
                values[index] = as_text(value)
        sheet.append(values)
        count += 1
    sheet.auto_filter.ref = f"A1:{last_column}{count + 1}"
    workbook.save(handle)
    return count


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

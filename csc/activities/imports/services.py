"""Import of past attendance from a spreadsheet (« Check »), when a structure opens its account.

Three steps, each a plain function callable without a request (views, scripts, benchmarks):

1. `prepare_import(centre, upload, actor)` checks the file by its content (CSV or XLSX, 20 MB at most),
   reads it once through core's tabular reader, which checks the limits (rows, columns, cell size, the
   zip's unpacked size) while it reads, and stores it as a normalised UTF-8 CSV (every cell as text,
   with its line number in the original file), with a first guess of the column mapping. Later steps
   re-read that stored table: a plain CSV parses in a fraction of the time an XLSX takes, so a preview
   of 100,000 rows stays quick.
2. `preview(import_batch, mapping)` says for every row what the import would do (or why it refuses it).
3. `run_import(import_batch, mapping, create_people, actor)` imports the valid rows in one transaction.

Policy on errors: the valid rows are imported and the refused ones go to a CSV report (the original row
and the reason), rather than refusing the whole file. An old spreadsheet of several years always holds
a few bad lines; refusing everything for one typo would make the import unusable, and nothing is lost
since the report can be corrected and imported in turn.

Importing is idempotent: sessions are matched by activity, date (and start time when the file gives
one) and an attendance already noted for a (session, person) is left as it is, so importing the same
file twice, or a corrected report after its file, adds nothing twice.

Performance: the centre's people, activities, sessions and attendance in the file's date range are
loaded once into dictionaries; rows are resolved in memory; new people, sessions and attendance are
inserted with `bulk_create` in batches, in one transaction. The number of queries does not depend on
the number of rows (beyond one insert per batch of BATCH_SIZE rows). Reading the upload and the preview
run in the request; the import itself runs in the task worker (`imports/jobs.py`, csc.core.jobs), with
its progress on the job's page: 100,000 rows (MAX_ROWS) take about 15 s on a small 2-core server with
PostgreSQL, too close to the proxy's and gunicorn's limits to hold a request open. A hostile file
cannot stretch that: the reader refuses a file over a limit at the row or the zip member that goes
over (within a second for the security review's 3-million-row workbook of 429 KB), and stops any
reading after 20 s whatever the file.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import lru_cache

from django.core.files.base import ContentFile, File
from django.db import transaction
from django.utils import timezone

from csc.core import audit, tabular
from csc.core.models import AuditEvent, Centre
from csc.core.text import normalize
from csc.people.models import Person

from ..models import Activity, Attendance, AttendanceImport, Session
from ..sessions import counted_hours

# 100,000 rows take about 15 s to import on a small 2-core server (in the task worker). A bigger file
# is split (by year), which the message says.
# Every limit is checked while the file is read (csc.core.tabular): a file over one is refused at the
# row, the column or the zip member that goes over, never after reading it whole.
LIMITS = tabular.Limits(max_bytes=20 * 1024 * 1024, max_rows=100_000, max_columns=60)
MAX_FILE_BYTES = LIMITS.max_bytes
MAX_ROWS = LIMITS.max_rows
PREVIEW_ROWS = 200
BATCH_SIZE = 2000
DEFAULT_START = time(14, 0)
DEFAULT_END = time(16, 0)
DEFAULT_LENGTH = timedelta(hours=2)
# Attendance before this is a typing error (0224 for 2024), not history a centre still holds.
EARLIEST_DATE = date(1990, 1, 1)
EARLIEST_BIRTH_DATE = date(1900, 1, 1)
KNOWN_ACTIVITIES_SHOWN = 12
PREVIEW_KEPT_DAYS = 30
# The import tells its progress (csc.core.jobs) every this many rows, in two steps.
PROGRESS_ROWS = 500
READING = "Lecture des lignes"
WRITING = "Enregistrement des présences"


class ImportRefused(Exception):
    """A file or a mapping the import cannot use; the message is French and says what to do."""


# --- The columns -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    required: bool
    # Header names recognised for this column, normalised (lower case, no accents), separated by « | ».
    names: str
    help: str = ""

    @property
    def known_names(self) -> list[str]:
        return self.names.split("|")


COLUMNS: tuple[Column, ...] = (
    Column(
        "date",
        "Date",
        True,
        "date|jour|date de la seance|date seance|date de presence|date presence|date de l activite|"
        "date activite",
        "Le jour de la séance : 14/03/2024, 14/3/24 ou 2024-03-14.",
    ),
    Column(
        "activity",
        "Activité",
        False,
        "activite|activites|atelier|nom de l activite|libelle activite|activite atelier|action|prestation|"
        "intitule",
        "Le nom de l'activité, tel qu'il est écrit dans « Activités et tarifs ».",
    ),
    Column(
        "last_name",
        "Nom",
        True,
        "nom|nom de famille|nom famille|nom d usage|nom usage|nom du participant|nom participant|"
        "nom de l enfant|nom enfant|last name|nom naissance",
    ),
    Column(
        "first_name",
        "Prénom",
        True,
        "prenom|prenoms|prenom du participant|prenom participant|prenom de l enfant|prenom enfant|first name",
    ),
    Column(
        "birth_date",
        "Date de naissance",
        False,
        "date de naissance|date naissance|naissance|ne le|nee le|ne e le|ddn|birth date|date de naiss|"
        "date naiss",
        "Sert à distinguer deux personnes qui portent le même nom.",
    ),
    Column(
        "status",
        "Présence",
        False,
        "presence|presences|statut|present|present e|etat|presence absence|present absent|p a|pointage|"
        "emargement",
        "P, présent, X, 1 ou oui ; A, absent, 0 ou non ; E ou excusé. Vide : présent.",
    ),
    Column(
        "start_time",
        "Heure de début",
        False,
        "heure de debut|heure debut|debut|horaire debut|h debut|de|heure d arrivee|arrivee|horaire de debut",
        "Sans heure, la séance créée va de 14:00 à 16:00.",
    ),
    Column(
        "end_time",
        "Heure de fin",
        False,
        "heure de fin|heure fin|fin|horaire fin|h fin|a|heure de depart|depart|horaire de fin",
    ),
    Column("sex", "Sexe", False, "sexe|genre|sex|f m|h f|m f|fille garcon"),
    Column(
        "city",
        "Commune",
        False,
        "commune|ville|commune de residence|ville de residence|lieu de residence|localite|commune habitation",
    ),
    Column(
        "in_qpv",
        "QPV",
        False,
        "qpv|quartier prioritaire|habite en qpv|en qpv|quartier politique de la ville|habite un qpv|"
        "residence qpv",
        "Oui si la personne habite en quartier prioritaire.",
    ),
)
COLUMN_BY_KEY = {column.key: column for column in COLUMNS}


@dataclass
class Mapping:
    """Which column of the file holds what (0-based indexes), and the activity of the whole file if any."""

    columns: dict[str, int] = field(default_factory=dict)
    activity_id: int | None = None

    def to_json(self) -> dict:
        return {"columns": dict(self.columns), "activity_id": self.activity_id}

    @classmethod
    def from_json(cls, data: dict | None) -> Mapping:
        data = data or {}
        columns = {
            key: int(index)
            for key, index in (data.get("columns") or {}).items()
            if key in COLUMN_BY_KEY and str(index).isdigit()
        }
        activity_id = data.get("activity_id")
        return cls(columns=columns, activity_id=int(activity_id) if activity_id else None)


def guess_mapping(headers: list[str]) -> Mapping:
    """A first mapping from the header names: exact names first (accents and case ignored), then a header
    that starts with a known name (« Nom de l'enfant », « Date de naissance de l'enfant »)."""
    candidates = []
    for index, header in enumerate(headers):
        name = normalize(header)
        if not name:
            continue
        for column in COLUMNS:
            for known in column.known_names:
                if name == known:
                    candidates.append((2, len(known), -index, column.key))
                elif len(known) > 2 and name.startswith(known + " "):
                    candidates.append((1, len(known), -index, column.key))
    candidates.sort(reverse=True)
    columns: dict[str, int] = {}
    taken: set[int] = set()
    for _score, _length, negative_index, key in candidates:
        index = -negative_index
        if key in columns or index in taken:
            continue
        columns[key] = index
        taken.add(index)
    return Mapping(columns=columns)


def mapping_problems(mapping: Mapping, headers: list[str]) -> list[str]:
    """What keeps a mapping from being used, in French (empty when it can be used)."""
    problems = []
    for column in COLUMNS:
        index = mapping.columns.get(column.key)
        if index is not None and not 0 <= index < len(headers):
            problems.append(f"La colonne choisie pour « {column.label} » n'existe pas dans le fichier.")
    for key in ("date", "last_name", "first_name"):
        if key not in mapping.columns:
            problems.append(f"Choisissez la colonne qui contient « {COLUMN_BY_KEY[key].label} ».")
    if "activity" not in mapping.columns and not mapping.activity_id:
        problems.append("Choisissez la colonne « Activité », ou une activité pour tout le fichier.")
    used: dict[int, str] = {}
    for key, index in mapping.columns.items():
        if index in used:
            problems.append(
                f"La même colonne est choisie pour « {used[index]} » et « {COLUMN_BY_KEY[key].label} »."
            )
        used[index] = COLUMN_BY_KEY[key].label
    return problems


# --- Reading the file ------------------------------------------------------------------------------


Table = tabular.Table


def read_upload(data: bytes) -> Table:
    """The table of an uploaded file, recognised by its content (never its name): XLSX or CSV, read by
    core's tabular reader with the import's limits checked while it reads (csc.core.tabular)."""
    try:
        table = tabular.read_table(data, LIMITS)
    except tabular.TableRefused as refusal:
        raise ImportRefused(str(refusal)) from None
    return _checked(table)


def _too_big(size: int) -> str:
    return tabular.too_big(size, LIMITS)


def _checked(table: Table) -> Table:
    if not table.headers and not table.rows:
        raise ImportRefused("Le fichier est vide.")
    if sum(1 for header in table.headers if header) < 2:
        raise ImportRefused(
            "La première ligne doit donner le nom des colonnes (Date, Activité, Nom, Prénom…), séparés par "
            "des points-virgules ou des virgules. Téléchargez le fichier modèle pour voir un exemple."
        )
    if not table.rows:
        raise ImportRefused("Le fichier ne contient que la ligne des titres : aucune présence à importer.")
    return table


def _store(table: Table) -> bytes:
    """The table as stored between the steps: UTF-8 CSV, each row led by its number in the file."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["", *table.headers])
    for number, cells in table.rows:
        writer.writerow([number, *cells])
    return out.getvalue().encode("utf-8")


GONE = "Le fichier de cet import n'est plus conservé : envoyez-le à nouveau."


def _stored_text(import_batch: AttendanceImport) -> str:
    if not import_batch.upload:
        raise ImportRefused(GONE)
    try:
        with import_batch.upload.open("rb") as stored:
            return stored.read().decode("utf-8")
    except FileNotFoundError:
        raise ImportRefused(GONE) from None


def load_table(import_batch: AttendanceImport) -> Table:
    """The table stored by `prepare_import`, read back."""
    records = csv.reader(io.StringIO(_stored_text(import_batch), newline=""))
    headers = next(records)[1:]
    rows = [(int(record[0]), record[1:]) for record in records if record]
    return Table(headers=headers, rows=rows)


def stored_headers(import_batch: AttendanceImport) -> list[str]:
    """The header row of the stored table, without reading its rows."""
    if not import_batch.upload:
        raise ImportRefused(GONE)
    try:
        with import_batch.upload.open("rb") as stored:
            first = stored.readline().decode("utf-8")
    except FileNotFoundError:
        raise ImportRefused(GONE) from None
    return next(csv.reader([first]))[1:]


@transaction.atomic
def prepare_import(centre: Centre, upload: File, actor) -> AttendanceImport:
    """Check an uploaded file, store it as a normalised table and guess its column mapping.

    Raises ImportRefused (French message for the upload field) for a file that is not a readable CSV or
    XLSX table of at most 20 MB with a header row and at least one row.
    """
    size = getattr(upload, "size", None)
    if size is not None and size > MAX_FILE_BYTES:
        raise ImportRefused(_too_big(size))
    upload.seek(0)
    data = upload.read(MAX_FILE_BYTES + 1)
    table = read_upload(data)
    name = (getattr(upload, "name", "") or "presences").rsplit("/", 1)[-1][:255]
    batch = AttendanceImport(
        centre=centre,
        created_by=actor if getattr(actor, "pk", None) else None,
        file_name=name,
        file_sha256=hashlib.sha256(data).hexdigest(),
        mapping=guess_mapping(table.headers).to_json(),
        row_count=len(table.rows),
    )
    batch.upload.save("table.csv", ContentFile(_store(table)), save=False)
    batch.save()
    _forget_stale_previews(centre)
    return batch


def _forget_stale_previews(centre: Centre) -> None:
    """Files sent but never imported are personal data kept for nothing: gone after PREVIEW_KEPT_DAYS."""
    stale = AttendanceImport.objects.filter(
        centre=centre,
        status=AttendanceImport.Status.PREVIEW,
        created_at__lt=timezone.now() - timedelta(days=PREVIEW_KEPT_DAYS),
    ).exclude(upload="")
    for batch in stale.only("id", "upload"):
        storage, name = batch.upload.storage, batch.upload.name
        transaction.on_commit(lambda storage=storage, name=name: storage.delete(name))
    stale.update(upload="")


def save_mapping(import_batch: AttendanceImport, mapping: Mapping) -> AttendanceImport:
    """Keep the mapping the person chose, for the next preview and the import."""
    if import_batch.status == AttendanceImport.Status.DONE:
        raise ImportRefused("Ce fichier a déjà été importé : sa correspondance ne change plus.")
    import_batch.mapping = mapping.to_json() | {
        "create_people": bool(import_batch.mapping.get("create_people"))
    }
    import_batch.save(update_fields=["mapping"])
    return import_batch


def already_imported(import_batch: AttendanceImport) -> AttendanceImport | None:
    """An earlier import of the very same file (same SHA-256) in this centre, if there was one."""
    return (
        AttendanceImport.objects.filter(
            centre_id=import_batch.centre_id,
            file_sha256=import_batch.file_sha256,
            status=AttendanceImport.Status.DONE,
        )
        .exclude(pk=import_batch.pk)
        .select_related("created_by")
        .order_by("-done_at", "-id")
        .first()
    )


# --- Reading the cells -----------------------------------------------------------------------------

_DMY = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4}|\d{2})(?:[ T]\d{1,2}[:h]\d{2}(?::\d{2})?)?$")
_YMD = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$")
_TIME = re.compile(r"^(\d{1,2})\s*(?:[:hH.]\s*(\d{2})?(?::\d{2})?)?$")

PRESENT_WORDS = {"", "present", "presente", "p", "x", "1", "oui", "o", "vrai", "true"}
ABSENT_WORDS = {"absent", "absente", "a", "0", "non", "n", "faux", "false"}
EXCUSED_WORDS = {"excuse", "excusee", "e", "abs excuse", "absent excuse", "absence excusee"}
FEMALE_WORDS = {"f", "femme", "fille", "feminin", "female", "mme", "madame"}
MALE_WORDS = {"m", "h", "homme", "garcon", "masculin", "male", "mr", "monsieur"}
YES_WORDS = {"oui", "o", "x", "1", "vrai", "true", "qpv"}


def parse_day(text: str) -> date | None:
    """dd/mm/yyyy, d/m/yy or yyyy-mm-dd (a time after it is ignored); None when it is not a real date."""
    match = _DMY.match(text)
    if match:
        day, month, year = (int(part) for part in match.groups())
        if len(match.group(3)) == 2:
            year += 2000 if year <= (date.today().year % 100) else 1900
    else:
        match = _YMD.match(text)
        if match is None:
            return None
        year, month, day = (int(part) for part in match.groups())
    try:
        return date(year, month, day)
    except ValueError:
        return None


def parse_clock(text: str) -> time | None:
    """14:00, 14h, 14h30, 14.30 or 14:00:00; None when it is not a time of day."""
    match = _TIME.match(text)
    if match is None:
        return None
    hour, minute = int(match.group(1)), int(match.group(2) or 0)
    if hour > 23 or minute > 59:
        return None
    return time(hour, minute)


def parse_status(text: str) -> str | None:
    word = normalize(text)
    if word in PRESENT_WORDS:
        return Attendance.Status.PRESENT
    if word in ABSENT_WORDS:
        return Attendance.Status.ABSENT
    if word in EXCUSED_WORDS:
        return Attendance.Status.EXCUSED
    return None


def parse_sex(text: str) -> str:
    word = normalize(text)
    if word in FEMALE_WORDS:
        return Person.Sex.FEMALE
    if word in MALE_WORDS:
        return Person.Sex.MALE
    return Person.Sex.UNSPECIFIED


# --- The preview -----------------------------------------------------------------------------------

ERROR = "erreur"
ADD = "ajout"
NOTHING = "rien"


@dataclass(slots=True)
class RowResult:
    """What the import does with one row of the file."""

    line: int
    cells: list[str]
    kind: str = ADD
    message: str = ""
    # Resolved while analysing; only meaningful for rows to add.
    activity_id: int | None = None
    day: date | None = None
    status: str = Attendance.Status.PRESENT
    person_id: int | None = None
    new_person: tuple | None = None
    session_id: int | None = None
    new_session: tuple | None = None

    @property
    def is_error(self) -> bool:
        return self.kind == ERROR

    @property
    def needs_new_person(self) -> bool:
        return self.kind == ADD and self.person_id is None


@dataclass
class ShownRow:
    """A row as the preview table shows it: the result and the main cells of the file."""

    result: RowResult
    day: str
    activity: str
    last_name: str
    first_name: str


@dataclass
class Preview:
    """What an import would do, row by row, with the counts the page shows."""

    import_batch: AttendanceImport
    headers: list[str]
    mapping: Mapping
    problems: list[str] = field(default_factory=list)
    rows: list[RowResult] = field(default_factory=list)
    new_people: int = 0
    new_sessions: int = 0
    earlier_import: AttendanceImport | None = None
    # The details of the people to create, by key: (last name, first name, birth date, sex, city, QPV).
    people_to_create: dict = field(default_factory=dict)
    sessions_to_create: dict = field(default_factory=dict)
    session_hours: dict = field(default_factory=dict)
    activity_names: dict = field(default_factory=dict)

    @property
    def row_count(self) -> int:
        return len(self.rows)

    @property
    def to_add(self) -> int:
        return sum(1 for row in self.rows if row.kind == ADD)

    @property
    def to_add_for_new_people(self) -> int:
        return sum(1 for row in self.rows if row.needs_new_person)

    @property
    def nothing_to_do(self) -> int:
        return sum(1 for row in self.rows if row.kind == NOTHING)

    @property
    def errors(self) -> int:
        return sum(1 for row in self.rows if row.kind == ERROR)

    def shown(self, limit: int = PREVIEW_ROWS) -> list[ShownRow]:
        """The rows the page lists: errors first, then the others, in file order, `limit` at most."""
        errors = [row for row in self.rows if row.kind == ERROR]
        others = [row for row in self.rows if row.kind != ERROR][: max(limit - len(errors), 0)]
        return [
            ShownRow(
                result=row,
                day=self.value(row, "date"),
                activity=self.activity_names.get(self.mapping.activity_id, "")
                if self.mapping.activity_id
                else self.value(row, "activity"),
                last_name=self.value(row, "last_name"),
                first_name=self.value(row, "first_name"),
            )
            for row in (errors + others)[:limit]
        ]

    def value(self, row: RowResult, key: str) -> str:
        index = self.mapping.columns.get(key)
        if index is None or index >= len(row.cells):
            return ""
        return row.cells[index]


def preview(
    import_batch: AttendanceImport, mapping: Mapping | None = None, *, today: date | None = None
) -> Preview:
    """What importing the file with this mapping (by default the one saved) would do, row by row.

    A handful of queries whatever the number of rows; nothing is written.
    """
    mapping = mapping or Mapping.from_json(import_batch.mapping)
    table = load_table(import_batch)
    result = _analyse(import_batch, table, mapping, today=today or timezone.localdate())
    result.earlier_import = already_imported(import_batch)
    return result


@dataclass
class _Parsed:
    row: RowResult
    last_name: str
    first_name: str
    name_key: str
    birth_date: date | None
    start: time | None
    end: time | None


def _no_progress(done: int, total: int, step: str = "") -> None:
    return None


def _analyse(
    import_batch: AttendanceImport, table: Table, mapping: Mapping, *, today: date, progress=_no_progress
) -> Preview:
    result = Preview(import_batch=import_batch, headers=table.headers, mapping=mapping)
    result.problems = mapping_problems(mapping, table.headers)
    centre_id = import_batch.centre_id
    activities = list(Activity.objects.filter(centre_id=centre_id).only("id", "name", "counts_only"))
    result.activity_names = {activity.pk: activity.name for activity in activities}
    if mapping.activity_id and not any(a.pk == mapping.activity_id for a in activities):
        result.problems.append("L'activité choisie pour tout le fichier n'existe pas dans ce centre.")
    if result.problems:
        return result

    by_name: dict[str, list[Activity]] = {}
    for activity in activities:
        by_name.setdefault(normalize(activity.name), []).append(activity)
    fixed = next((a for a in activities if a.pk == mapping.activity_id), None)
    known = ", ".join(f"« {a.name} »" for a in activities[:KNOWN_ACTIVITIES_SHOWN])
    if len(activities) > KNOWN_ACTIVITIES_SHOWN:
        known += "…"
    columns = mapping.columns

    def cell(cells: list[str], key: str) -> str:
        index = columns.get(key)
        return cells[index] if index is not None and index < len(cells) else ""

    # Values repeat a lot in a big file (names, activities, dates): each is read once.
    date_cache: dict[str, date | None] = {}
    norm = lru_cache(maxsize=100_000)(normalize)
    status_of = lru_cache(maxsize=1000)(parse_status)
    clock = lru_cache(maxsize=1000)(parse_clock)
    parsed: list[_Parsed] = []
    total = len(table.rows)
    for index, (line, cells) in enumerate(table.rows):
        if not index % PROGRESS_ROWS:
            progress(index, total, READING)
        row = RowResult(line=line, cells=cells)
        result.rows.append(row)
        problems = []
        last_name, first_name = cell(cells, "last_name"), cell(cells, "first_name")
        if not last_name:
            problems.append("Nom manquant.")
        if not first_name:
            problems.append("Prénom manquant.")

        text = cell(cells, "date")
        if text not in date_cache:
            date_cache[text] = parse_day(text)
        day = date_cache[text]
        if not text:
            problems.append("Date manquante.")
        elif day is None:
            problems.append(f"Date impossible : « {text[:30]} » (écrivez-la jj/mm/aaaa).")
        elif day > today:
            problems.append(f"Date dans le futur ({day:%d/%m/%Y}) : on n'importe que des présences passées.")
        elif day < EARLIEST_DATE:
            problems.append(f"Date trop ancienne ({day:%d/%m/%Y}) : vérifiez l'année.")
        row.day = day

        if fixed is not None:
            activity = fixed
        else:
            name = cell(cells, "activity")
            matches = by_name.get(norm(name), []) if name else []
            activity = matches[0] if len(matches) == 1 else None
            if not name:
                problems.append("Activité manquante.")
            elif len(matches) > 1:
                problems.append(
                    f"Plusieurs activités du centre s'appellent « {name[:60]} » : renommez-en une."
                )
            elif activity is None:
                problems.append(
                    f"Activité « {name[:60]} » inconnue. Activités du centre : {known}."
                    if activities
                    else f"Activité « {name[:60]} » inconnue : ce centre n'a encore aucune activité. "
                    "Créez-la d'abord dans « Activités et tarifs »."
                )
        if activity is not None and activity.counts_only:
            problems.append(
                f"« {activity.name} » est en accueil libre : on y compte les personnes sans noter leur nom."
            )
        row.activity_id = activity.pk if activity is not None else None

        status = status_of(cell(cells, "status"))
        if status is None:
            problems.append(
                f"Présence « {cell(cells, 'status')[:30]} » non reconnue : écrivez P (présent), "
                "A (absent) ou E (excusé)."
            )
        else:
            row.status = status

        start_text, end_text = cell(cells, "start_time"), cell(cells, "end_time")
        start = clock(start_text) if start_text else None
        end = clock(end_text) if end_text else None
        if start_text and start is None:
            problems.append(f"Heure de début « {start_text[:20]} » illisible (écrivez-la 14:00).")
        if end_text and end is None:
            problems.append(f"Heure de fin « {end_text[:20]} » illisible (écrivez-la 16:00).")
        if start is not None and end is not None and end <= start:
            problems.append(f"L'heure de fin ({end:%H:%M}) est avant l'heure de début ({start:%H:%M}).")

        birth_text = cell(cells, "birth_date")
        birth_date = None
        if birth_text:
            if birth_text not in date_cache:
                date_cache[birth_text] = parse_day(birth_text)
            birth_date = date_cache[birth_text]
            if birth_date is None:
                problems.append(f"Date de naissance impossible : « {birth_text[:30]} ».")
            elif birth_date > today or birth_date < EARLIEST_BIRTH_DATE:
                problems.append(f"Date de naissance {birth_date:%d/%m/%Y} improbable : vérifiez l'année.")
            elif day is not None and birth_date > day:
                problems.append("La date de naissance est après la date de la séance.")

        if problems:
            row.kind, row.message = ERROR, " ".join(problems)
            continue
        parsed.append(
            _Parsed(
                row=row,
                last_name=last_name,
                first_name=first_name,
                name_key=norm(f"{last_name} {first_name}"),
                birth_date=birth_date,
                start=start,
                end=end,
            )
        )

    if not parsed:
        return result
    _resolve(result, parsed, centre_id)
    return result


def _resolve(result: Preview, parsed: list[_Parsed], centre_id: int) -> None:
    """Match people and sessions, with one query for each kind of object whatever the number of rows."""
    first_day = min(item.row.day for item in parsed)
    last_day = max(item.row.day for item in parsed)

    people: dict[str, list[tuple[int, date | None]]] = {}
    for person_id, search_name, birth_date in Person.objects.filter(
        centre_id=centre_id, anonymised_at__isnull=True
    ).values_list("id", "search_name", "birth_date"):
        people.setdefault(search_name, []).append((person_id, birth_date))

    sessions: dict[tuple[int, date], list[tuple]] = {}
    for session in Session.objects.filter(
        centre_id=centre_id, date__gte=first_day, date__lte=last_day
    ).values_list("id", "activity_id", "date", "start_time", "end_time", "status", "counted_hours"):
        sessions.setdefault((session[1], session[2]), []).append(session)
        result.session_hours[session[0]] = session[6]

    noted = set(
        Attendance.objects.filter(centre_id=centre_id, date__gte=first_day, date__lte=last_day).values_list(
            "session_id", "person_id"
        )
    )

    # Birth dates given for a name nobody of the centre bears: one date means one new person.
    new_birth_dates: dict[str, set[date]] = {}
    for item in parsed:
        if item.name_key not in people and item.birth_date is not None:
            new_birth_dates.setdefault(item.name_key, set()).add(item.birth_date)

    labels = {value: str(label) for value, label in Attendance.Status.choices}
    seen: dict[tuple, int] = {}
    for item in parsed:
        row = item.row
        person_id, new_person, problem = _match_person(item, people, new_birth_dates)
        if problem:
            row.kind, row.message = ERROR, problem
            continue
        session_id, new_session, problem = _match_session(item, sessions)
        if problem:
            row.kind, row.message = ERROR, problem
            continue
        row.person_id, row.new_person = person_id, new_person
        row.session_id, row.new_session = session_id, new_session
        key = (person_id or new_person, session_id or new_session)
        if person_id and session_id and (session_id, person_id) in noted:
            row.kind, row.message = NOTHING, "Présence déjà enregistrée : rien à ajouter."
            continue
        if key in seen:
            row.kind, row.message = NOTHING, f"Même présence qu'à la ligne {seen[key]} : rien à ajouter."
            continue
        seen[key] = row.line
        if new_person is not None and new_person not in result.people_to_create:
            result.people_to_create[new_person] = item
        if new_session is not None and new_session not in result.sessions_to_create:
            result.sessions_to_create[new_session] = item.end or _end_for(new_session[2])
        person_part = "personne connue" if person_id else "nouvelle personne"
        if session_id:
            session_part = "séance existante"
        else:
            end = result.sessions_to_create[new_session]
            session_part = f"séance à créer ({new_session[2]:%H:%M}–{end:%H:%M})"
        row.message = f"{labels[row.status]}, {person_part}, {session_part}."
    result.new_people = len(result.people_to_create)
    result.new_sessions = len(result.sessions_to_create)


def _match_person(item: _Parsed, people: dict, new_birth_dates: dict) -> tuple[int | None, tuple | None, str]:
    """(id of the person of the centre, or the key of a new person, or a French problem)."""
    candidates = people.get(item.name_key, [])
    birth_date = item.birth_date
    if candidates:
        if birth_date is None:
            if len(candidates) == 1:
                return candidates[0][0], None, ""
            return None, None, "Plusieurs personnes portent ce nom : ajoutez la date de naissance."
        same = [person_id for person_id, born in candidates if born == birth_date]
        if len(same) == 1:
            return same[0], None, ""
        if len(same) > 1:
            return (
                None,
                None,
                "Plusieurs personnes portent ce nom et cette date de naissance : importez-les à la main.",
            )
        if len(candidates) == 1 and candidates[0][1] is None:
            # The person is known without a birth date: the file's is not a contradiction.
            return candidates[0][0], None, ""
        return None, (item.name_key, birth_date), ""
    if birth_date is None:
        dates = new_birth_dates.get(item.name_key, set())
        if len(dates) > 1:
            return (
                None,
                None,
                "Plusieurs personnes portent ce nom dans le fichier : ajoutez la date de naissance.",
            )
        birth_date = next(iter(dates), None)
    return None, (item.name_key, birth_date), ""


def _match_session(item: _Parsed, sessions: dict) -> tuple[int | None, tuple | None, str]:
    """(id of the session, or the key (activity, date, start) of a session to create, or a problem)."""
    row = item.row
    existing = sessions.get((row.activity_id, row.day), [])
    if item.start is not None:
        existing = [session for session in existing if session[3] == item.start]
    elif len(existing) > 1:
        planned = [session for session in existing if session[5] != Session.Status.CANCELLED]
        if len(planned) != 1:
            return (
                None,
                None,
                f"Plusieurs séances ce jour-là ({row.day:%d/%m/%Y}) : "
                "ajoutez une colonne « Heure de début ».",
            )
        existing = planned
    if existing:
        session = existing[0]
        if session[5] == Session.Status.CANCELLED:
            return (
                None,
                None,
                f"La séance du {row.day:%d/%m/%Y} a été annulée : on n'y note pas de présences. "
                "Rétablissez-la d'abord si elle a finalement eu lieu.",
            )
        return session[0], None, ""
    start = item.start
    if start is None:
        start = DEFAULT_START
        if item.end is not None:
            start = (datetime.combine(row.day, item.end) - DEFAULT_LENGTH).time()
            start = start if start < item.end else time(0)
    return None, (row.activity_id, row.day, start), ""


def _end_for(start: time) -> time:
    if start == DEFAULT_START:
        return DEFAULT_END
    end = datetime.combine(date.min, start) + DEFAULT_LENGTH
    return end.time() if end.date() == date.min else time(23, 59)


# --- The import ------------------------------------------------------------------------------------


@dataclass
class ImportResult:
    import_batch: AttendanceImport
    imported: int
    already_present: int
    unknown_people_skipped: int
    errors: int
    people_created: int
    sessions_created: int


def run_import(
    import_batch: AttendanceImport,
    mapping: Mapping,
    create_people: bool,
    actor,
    *,
    today: date | None = None,
    progress=_no_progress,
) -> ImportResult:
    """Import the valid rows of a previewed file, in one transaction: an import interrupted anywhere
    (an error, the worker killed) leaves nothing written, and can be started again.

    People unknown to the centre are created only when `create_people` is true (the preview's explicit
    confirmation); otherwise their rows are skipped and listed in the error report. Refused rows go to
    the report too. Missing sessions are created. Raises ImportRefused when the mapping cannot be used
    or the file was already imported. `progress(done, total, step)` is told the rows read, then the
    attendance written (csc.core.jobs: the import runs in the task worker).
    """
    now = timezone.now()
    today = today or timezone.localdate(now)
    actor_id = actor.pk if getattr(actor, "pk", None) else None
    with transaction.atomic():
        batch = AttendanceImport.objects.select_for_update().get(pk=import_batch.pk)
        if batch.status == AttendanceImport.Status.DONE:
            raise ImportRefused("Ce fichier a déjà été importé.")
        table = load_table(batch)
        analysis = _analyse(batch, table, mapping, today=today, progress=progress)
        if analysis.problems:
            raise ImportRefused(" ".join(analysis.problems))

        rows = [row for row in analysis.rows if row.kind == ADD and (create_people or row.person_id)]
        skipped_people = [row for row in analysis.rows if row.needs_new_person and not create_people]

        person_ids = _create_people(batch, analysis, rows, actor_id, now)
        sessions = _create_sessions(batch, analysis, rows)

        attendances = []
        for row in rows:
            session_id, hours = sessions[row.session_id or row.new_session]
            attendances.append(
                Attendance(
                    session_id=session_id,
                    person_id=row.person_id or person_ids[row.new_person],
                    centre_id=batch.centre_id,
                    activity_id=row.activity_id,
                    date=row.day,
                    hours=hours,
                    status=row.status,
                    source=Attendance.Source.IMPORT,
                    recorded_by_id=actor_id,
                    recorded_at=now,
                    import_batch=batch,
                )
            )
        # Conflicts are ignored: a tap made while the import ran wins, and nothing is noted twice.
        for start in range(0, len(attendances), BATCH_SIZE):
            progress(start, len(attendances), WRITING)
            Attendance.objects.bulk_create(attendances[start : start + BATCH_SIZE], ignore_conflicts=True)
        progress(len(attendances), len(attendances), WRITING)
        imported = Attendance.objects.filter(import_batch=batch).count()

        batch.mapping = mapping.to_json() | {"create_people": create_people}
        batch.error_report = _report(analysis, skipped_people)
        batch.status = AttendanceImport.Status.DONE
        batch.done_at = now
        batch.row_count = analysis.row_count
        batch.imported_count = imported
        batch.error_count = analysis.errors
        batch.skipped_count = analysis.row_count - analysis.errors - imported
        batch.people_created = len(person_ids)
        batch.sessions_created = sum(1 for key in sessions if isinstance(key, tuple))
        # The stored table holds personal data and is no longer needed: the report keeps the refused rows.
        storage, stored_name = batch.upload.storage, batch.upload.name
        batch.upload = ""
        batch.save()
        transaction.on_commit(lambda: storage.delete(stored_name))
        audit.record(
            "create",
            centre=batch.centre_id,
            obj=batch,
            actor=actor,
            detail=(
                f"import de présences : {imported} présences, {batch.people_created} personnes et "
                f"{batch.sessions_created} séances créées, {batch.error_count} lignes refusées"
            ),
        )
    return ImportResult(
        import_batch=batch,
        imported=imported,
        already_present=analysis.nothing_to_do,
        unknown_people_skipped=len(skipped_people),
        errors=analysis.errors,
        people_created=batch.people_created,
        sessions_created=batch.sessions_created,
    )


def _create_people(batch, analysis: Preview, rows: list[RowResult], actor_id, now) -> dict[tuple, int]:
    """Create the new people these rows need; returns their ids by key. One audit line each, in bulk."""
    keys = list(dict.fromkeys(row.new_person for row in rows if row.new_person is not None))
    if not keys:
        return {}
    mapping = analysis.mapping

    def value(item: _Parsed, key: str) -> str:
        return analysis.value(item.row, key)

    people = []
    for key in keys:
        item = analysis.people_to_create[key]
        last_name, first_name = item.last_name[:150], item.first_name[:150]
        people.append(
            Person(
                centre_id=batch.centre_id,
                last_name=last_name,
                first_name=first_name,
                birth_date=key[1],
                sex=parse_sex(value(item, "sex")) if "sex" in mapping.columns else Person.Sex.UNSPECIFIED,
                city=value(item, "city")[:120],
                in_qpv=normalize(value(item, "in_qpv")) in YES_WORDS,
                search_name=normalize(f"{last_name} {first_name}"),
                last_activity_at=now,
            )
        )
    created = Person.objects.bulk_create(people, batch_size=BATCH_SIZE)
    # bulk_create bypasses the signals that journal each creation: the journal gets them here, in bulk.
    AuditEvent.objects.bulk_create(
        [
            AuditEvent(
                at=now,
                action="create",
                actor_id=actor_id,
                centre_id=batch.centre_id,
                object_type=Person._meta.label_lower,
                object_id=str(person.pk),
                person_id=person.pk,
                detail=f"import de présences n° {batch.pk}",
            )
            for person in created
        ],
        batch_size=BATCH_SIZE,
    )
    return {key: person.pk for key, person in zip(keys, created, strict=True)}


def _create_sessions(batch, analysis: Preview, rows: list[RowResult]) -> dict:
    """The sessions of these rows: id and counted hours, by existing id or by key of a session created."""
    sessions: dict = {
        row.session_id: (row.session_id, analysis.session_hours[row.session_id])
        for row in rows
        if row.session_id
    }
    keys = list(dict.fromkeys(row.new_session for row in rows if row.new_session is not None))
    new = []
    for activity_id, day, start in keys:
        end = analysis.sessions_to_create[(activity_id, day, start)]
        new.append(
            Session(
                centre_id=batch.centre_id,
                activity_id=activity_id,
                date=day,
                start_time=start,
                end_time=end,
                counted_hours=counted_hours(start, end),
            )
        )
    for key, session in zip(keys, Session.objects.bulk_create(new, batch_size=BATCH_SIZE), strict=True):
        sessions[key] = (session.pk, session.counted_hours)
    return sessions


# --- The error report and the example file ---------------------------------------------------------

UNKNOWN_PERSON = (
    "Personne inconnue du centre, non créée : cochez « Créer les personnes inconnues » lors de l'import "
    "pour l'ajouter."
)
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _safe(value: str) -> str:
    # A cell starting like a formula would run in the spreadsheet that opens the report.
    if value.startswith(FORMULA_START) and not re.fullmatch(r"-\d+([.,]\d+)?", value):
        return "'" + value
    return value


def _csv_text(headers: list[str], rows: list[tuple[RowResult, str]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow([*headers, "Ligne d'origine", "Motif du refus"])
    width = len(headers)
    for row, reason in rows:
        cells = (row.cells + [""] * width)[:width]
        writer.writerow([*(_safe(cell) for cell in cells), row.line, reason])
    return out.getvalue()


def _report(analysis: Preview, skipped_people: list[RowResult]) -> str:
    refused = [(row, row.message) for row in analysis.rows if row.kind == ERROR]
    refused += [(row, UNKNOWN_PERSON) for row in skipped_people]
    refused.sort(key=lambda item: item[0].line)
    return _csv_text(analysis.headers, refused)


def error_report_csv(import_batch: AttendanceImport, *, today: date | None = None) -> str:
    """The refused rows as CSV (the original columns, then the line number and the reason), ready to be
    corrected and imported again. Before the import, the rows the preview refuses."""
    if import_batch.status == AttendanceImport.Status.DONE:
        return import_batch.error_report
    result = preview(import_batch, today=today)
    return _csv_text(result.headers, [(row, row.message) for row in result.rows if row.kind == ERROR])


TEMPLATE_HEADERS = [column.label for column in COLUMNS]


def template_csv(*, today: date | None = None) -> str:
    """An example file with the expected columns, as a French spreadsheet saves it (`;`, UTF-8)."""
    today = today or timezone.localdate()
    day = (today - timedelta(days=30)).strftime("%d/%m/%Y")
    other = (today - timedelta(days=23)).strftime("%d/%m/%Y")
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(TEMPLATE_HEADERS)
    examples = [
        (day, "Martin", "Léa", "14/03/1985", "P", "F", "Lille", "oui"),
        (day, "Benali", "Karim", "02/11/1979", "A", "M", "Roubaix", "non"),
        (other, "Martin", "Léa", "14/03/1985", "E", "F", "Lille", "oui"),
    ]
    for when, last_name, first_name, born, status, sex, city, qpv in examples:
        writer.writerow(
            [when, "Atelier couture", last_name, first_name, born, status, "14:00", "16:00", sex, city, qpv]
        )
    return out.getvalue()

"""The limits of an uploaded table, its refusals and its clock, shared by the XLSX and the CSV readers.

`Limits` says how much a file may hold; `TableRefused` is the one exception a reader raises, its message
French. The messages for what both readers refuse (not a table, too many rows or columns, a cell too
long, a file too heavy or too long to read) are written here once, with `Deadline`, the clock every
reader checks.
"""

from __future__ import annotations

import time as clock
from dataclasses import dataclass

from django.utils.translation import gettext as _

MB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """How much an uploaded table may hold. The defaults suit the attendance import; a caller with
    smaller needs passes smaller limits (tests pass tiny ones to reach each check quickly)."""

    max_bytes: int = 20 * MB
    # Lines after the header line, counted as the spreadsheet numbers them (blank lines included).
    max_rows: int = 100_000
    max_columns: int = 60
    max_cell_chars: int = 10_000
    # CSV: a physical line; checked before the line is split into cells.
    max_line_chars: int = 200_000
    # XLSX, declared sizes once unzipped. A worksheet of 100,000 rows and a dozen columns is about
    # 40 Mo of XML. The shared strings are all kept in memory while the sheet is read, and nothing but
    # a few number formats is needed from the styles: both are bounded tighter.
    max_sheet_bytes: int = 100 * MB
    max_strings_bytes: int = 30 * MB
    max_styles_bytes: int = 5 * MB
    # Elements of a sheet or of its shared strings that are not rows, cells, values and texts
    # (formatting, merged cells, links, empty cells past `max_columns`…): half a million is parsed in
    # well under a second, and is far more than any real attendance sheet holds.
    max_other_elements: int = 500_000
    # Any other XML part (the workbook, its relations and manifest are streamed; the rest never read).
    max_part_bytes: int = 5 * MB
    max_unzipped_bytes: int = 150 * MB
    max_members: int = 500
    # A real worksheet compresses 5 to 20 times; a bomb, hundreds to a thousand times.
    max_ratio: int = 100
    ratio_checked_above: int = 1 * MB
    # Last resort, below gunicorn's 30 s timeout.
    max_seconds: float = 20.0


DEFAULT_LIMITS = Limits()


class TableRefused(Exception):
    """A file that is not a table this package reads, or that goes over a limit; the message is French,
    names the limit and says what to do."""


def number(value: int) -> str:
    """100000 → « 100 000 », as a French reader writes it."""
    return f"{value:,}".replace(",", " ")


def megabytes(size: int) -> str:
    return f"{size / MB:.0f}" if size >= 10 * MB or size % MB == 0 else f"{size / MB:.1f}".replace(".", ",")


# --- The refusals both readers share ---------------------------------------------------------------

NOT_A_TABLE = (
    "Ce fichier n'est ni un tableau CSV ni un classeur Excel (.xlsx). Dans votre tableur, choisissez "
    "« Enregistrer sous » puis le format CSV ou Excel (.xlsx)."
)
SPLIT_IT = "Découpez-le en plusieurs fichiers, par année par exemple."


def not_a_table() -> TableRefused:
    return TableRefused(_(NOT_A_TABLE))


def too_big(size: int, limits: Limits = DEFAULT_LIMITS) -> str:
    """The message for a file heavier than `limits.max_bytes`."""
    return _("Ce fichier pèse %(size)s Mo : le maximum est %(limit)s Mo. %(split)s") % {
        "size": f"{size / MB:.1f}".replace(".", ","),
        "limit": megabytes(limits.max_bytes),
        "split": _(SPLIT_IT),
    }


class Deadline:
    """The clock of one reading, started when the file is recognised: `check` refuses the file once
    `seconds` have passed, wherever the reader is."""

    def __init__(self, seconds: float):
        self.seconds = seconds
        self.ends = clock.monotonic() + seconds

    def check(self) -> None:
        if clock.monotonic() > self.ends:
            raise TableRefused(
                _(
                    "Ce fichier est trop long à lire (plus de %(seconds)s secondes) : il a sans doute "
                    "beaucoup plus de lignes ou de colonnes qu'il n'y paraît. %(split)s"
                )
                % {"seconds": f"{self.seconds:.0f}", "split": _(SPLIT_IT)}
            )


def too_many_rows(limits: Limits) -> TableRefused:
    return TableRefused(
        _(
            "Le fichier dépasse %(rows)s lignes, sans compter la ligne des titres (les lignes vides "
            "comptent aussi : supprimez celles qui suivent le tableau). %(split)s"
        )
        % {"rows": number(limits.max_rows), "split": _(SPLIT_IT)}
    )


def too_many_columns(limits: Limits, line: int) -> TableRefused:
    return TableRefused(
        _(
            "Le fichier dépasse %(columns)s colonnes (ligne %(line)s) : gardez seulement les colonnes "
            "utiles à l'import, puis enregistrez-le à nouveau."
        )
        % {"columns": number(limits.max_columns), "line": number(line)}
    )


def cell_too_long(limits: Limits, line: int) -> TableRefused:
    return TableRefused(
        _(
            "Une cellule de la ligne %(line)s dépasse %(chars)s caractères : ce n'est pas une cellule "
            "de tableau ordinaire. Vérifiez cette ligne, puis enregistrez le fichier à nouveau."
        )
        % {"line": number(line), "chars": number(limits.max_cell_chars)}
    )

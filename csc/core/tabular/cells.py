"""What a cell becomes once read, whatever the file: `cell_text` (a spreadsheet's value as the text a
person would type) and `clean_cell` (the platform's cleaning, characters dropped rather than refused)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from csc.core.cleaning import REFUSED, is_invisible


def cell_text(value) -> str:
    """A spreadsheet cell as the text a person would type: dates dd/mm/yyyy, times HH:MM."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        if value.date() in (date(1899, 12, 30), date(1899, 12, 31), date(1900, 1, 1)):
            return f"{value:%H:%M}"
        if value.time() == time(0):
            return f"{value:%d/%m/%Y}"
        return f"{value:%d/%m/%Y %H:%M}"
    if isinstance(value, date):
        return f"{value:%d/%m/%Y}"
    if isinstance(value, time):
        return f"{value:%H:%M}"
    if isinstance(value, timedelta):
        minutes = int(value.total_seconds() // 60)
        return f"{minutes // 60:02d}:{minutes % 60:02d}"
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def clean_cell(text: str) -> str:
    """A cell as it is kept: the characters the platform's cleaning refuses (csc.core.cleaning: NUL and
    the other control characters, the bidirectional overrides…) dropped, its spaces trimmed, and a cell
    showing nothing empty.

    Dropped, not refused: in a file exported by another program, the person who sends it cannot see an
    invisible character, so cannot find it to remove it, and a message would only stop the import. What
    is dropped is no letter, so no meaning goes with it: a NUL or an escape shows nothing in a
    spreadsheet (and separates no cells: the csv module reads it as part of the cell), and a bidirectional
    override only changes the order in which letters are shown, so a name with a stray U+202E is stored
    with its letters in the order they were typed."""
    if text.isascii() and text.isprintable():
        # Nearly every cell: nothing to drop and nothing invisible (but spaces), without two regexes
        # per cell — a 100,000-row import reads a million cells.
        return text.strip()
    text = REFUSED.sub("", text).strip()
    return "" if is_invisible(text) else text

"""Finding activity sheets: French full-text search on PostgreSQL, a plain substring search on SQLite,
with filters by age, kind, duration, materials and objective, best matches first.

Accents and case never matter: both the stored text and the words searched go through
`csc.core.text.normalize` first. On PostgreSQL the vector is weighted (title A; summary, kind and
objectives B; materials C; steps and variants D), each word searched is a stemmed prefix (« peint »
finds « peinture »), and the ranking is `ts_rank` then the most recently changed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db import connection
from django.db.models import Case, F, IntegerField, Q, QuerySet, Value, When

from csc.core.text import normalize

from .models import ActivitySheet

SEARCH_CONFIG = "french"
MAX_WORDS = 8  # a pasted paragraph is not a search; its first words are enough
BATCH = 500


@dataclass(frozen=True)
class SheetFilters:
    """What an animator asks for; every field is optional."""

    text: str = ""
    age: int | None = None
    kind: str = ""
    max_duration: int | None = None
    materials: str = ""
    objective_id: int | None = None


def _document(sheet: ActivitySheet, objective_texts: list[str]) -> tuple[str, str, str, str]:
    """The four weighted parts of a sheet's searchable text, normalised."""
    kind = ActivitySheet.Kind(sheet.kind).label if sheet.kind else ""
    return (
        normalize(sheet.title),
        normalize(" ".join([sheet.summary, str(kind), *objective_texts])),
        normalize(sheet.materials),
        normalize(" ".join([sheet.steps, sheet.variants, sheet.safety_notes])),
    )


def refresh_search_columns(sheet_ids) -> None:
    """Recompute what the search reads for these sheets: call it after every change of a sheet's text,
    kind or objectives (the sheet services do)."""
    sheet_ids = list(sheet_ids)
    for start in range(0, len(sheet_ids), BATCH):
        chunk = sheet_ids[start : start + BATCH]
        sheets = ActivitySheet.objects.filter(pk__in=chunk).prefetch_related("objectives")
        rows = []
        for sheet in sheets:
            parts = _document(sheet, [o.text for o in sheet.objectives.all()])
            rows.append((sheet.pk, " ".join(p for p in parts if p), parts[2], *parts))
        _write(rows)


def _write(rows: list[tuple]) -> None:
    if not rows:
        return
    if connection.vendor != "postgresql":
        ActivitySheet.objects.bulk_update(
            [ActivitySheet(pk=r[0], search_text=r[1], materials_search=r[2]) for r in rows],
            ["search_text", "materials_search"],
        )
        return
    values = ", ".join(["(%s, %s, %s, %s, %s, %s, %s)"] * len(rows))
    params = [value for row in rows for value in row]
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            UPDATE animation_activitysheet AS s
            SET search_text = v.t, materials_search = v.m,
                search_vector = setweight(to_tsvector('{SEARCH_CONFIG}', v.a), 'A')
                             || setweight(to_tsvector('{SEARCH_CONFIG}', v.b), 'B')
                             || setweight(to_tsvector('{SEARCH_CONFIG}', v.c), 'C')
                             || setweight(to_tsvector('{SEARCH_CONFIG}', v.d), 'D')
            FROM (VALUES {values}) AS v(id, t, m, a, b, c, d)
            WHERE s.id = v.id
            """,  # noqa: S608 — only placeholders and a constant are interpolated
            params,
        )


def search_words(text: str) -> list[str]:
    """The normalised words of a search, without the one-letter ones (« l », « d »)."""
    return [word for word in normalize(text).split() if len(word) > 1][:MAX_WORDS]


def _prefix_query(words: list[str]) -> SearchQuery:
    # normalize() keeps only letters, digits and spaces: no tsquery operator can come from the user.
    return SearchQuery(" & ".join(f"{word}:*" for word in words), search_type="raw", config=SEARCH_CONFIG)


_ACCENTED = {
    "a": "aàáâãäå",
    "c": "cç",
    "e": "eéèêë",
    "i": "iìíîï",
    "n": "nñ",
    "o": "oòóôõö",
    "u": "uùúûü",
    "y": "yýÿ",
}


def _accent_pattern(word: str) -> str:
    """A regular expression that finds a normalised word in a text written with its accents."""
    return "".join(f"[{_ACCENTED[c]}]" if c in _ACCENTED else re.escape(c) for c in word)


def filter_sheets(sheets: QuerySet, filters: SheetFilters) -> QuerySet:
    """The sheets matching the filters, best matches first (most recently changed when no text)."""
    if filters.kind:
        sheets = sheets.filter(kind=filters.kind)
    if filters.age is not None:
        sheets = sheets.filter(
            Q(min_age__isnull=True) | Q(min_age__lte=filters.age),
            Q(max_age__isnull=True) | Q(max_age__gte=filters.age),
        )
    if filters.max_duration is not None:
        sheets = sheets.filter(duration_minutes__lte=filters.max_duration)
    if filters.objective_id is not None:
        sheets = sheets.filter(objectives__id=filters.objective_id)
    for word in search_words(filters.materials):
        sheets = sheets.filter(materials_search__contains=word)
    words = search_words(filters.text)
    if not words:
        return sheets.order_by("-updated_at", "-id")
    if connection.vendor == "postgresql":
        query = _prefix_query(words)
        return (
            sheets.filter(search_vector=query)
            .annotate(rank=SearchRank(F("search_vector"), query))
            .order_by("-rank", "-updated_at", "-id")
        )
    for word in words:
        sheets = sheets.filter(search_text__contains=word)
    # Without a ranking function: a sheet whose title holds the first word comes first. The title is
    # stored with its accents and the word without: match each letter with its accented forms.
    in_title = Case(
        When(title__iregex=_accent_pattern(words[0]), then=Value(1)),
        default=Value(0),
        output_field=IntegerField(),
    )
    return sheets.annotate(rank=in_title).order_by("-rank", "-updated_at", "-id")

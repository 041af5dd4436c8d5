"""Words on the kiosk: the matching of what a resident types against the tiles, and what the statistics
keep of it. (Help sheets are rendered by csc.core.text.render_markdown.)"""

from __future__ import annotations

import re

# Lower case, no accents, punctuation as spaces: « Pôle-emploi » and « pole emploi » are one.
from csc.core.text import normalize

# Words that say nothing about the service: « je veux ma carte vitale » searches « carte vitale ».
STOP_WORDS = frozenset(
    ["a", "au", "aux", "avec", "ce", "de", "des", "du", "en", "et", "je", "j", "l", "la", "le", "les"]
    + ["ma", "mes", "mon", "ou", "par", "pour", "sur", "un", "une", "d", "me", "m", "moi", "veux"]
    + ["voudrais", "faire", "comment", "site", "internet"]
)


def search_words(text: str) -> list[str]:
    return [word for word in normalize(text).split() if word not in STOP_WORDS]


def score(words: list[str], title: str, keywords: list[str], theme: str) -> int:
    """How well a tile answers the words typed: 0 when a word is missing. Every word must begin a word
    of the tile (so « allocation » finds « allocations » and « vital » finds « carte vitale »); a
    keyword matched whole, or the title, counts more than the theme."""
    if not words:
        return 0
    fields = [(normalize(title), 3), *((normalize(k), 4) for k in keywords), (normalize(theme), 1)]
    total = 0
    for word in words:
        best = _best_weight(word, fields)
        if best == 0 and len(word) > 3 and word[-1] in "sx":
            # A plural typed where the tile has the singular: « amendes » finds « amende ».
            best = _best_weight(word[:-1], fields)
        if best == 0:
            return 0
        total += best
    phrase = " ".join(words)
    if any(normalize(k) == phrase for k in keywords):
        total += 10
    return total


def _best_weight(word: str, fields: list[tuple[str, int]]) -> int:
    found = (weight for text, weight in fields if any(token.startswith(word) for token in text.split()))
    return max(found, default=0)


NUMBER = re.compile(r"\d+")
EMAIL_LIKE = re.compile(r"\S*@\S*")
SEARCH_KEPT = 60


def clean_search(text: str) -> str:
    """What the statistics keep of a search: a resident may type a social security number or an
    e-mail address in the box, so numbers and anything with an @ are dropped before it is stored."""
    text = EMAIL_LIKE.sub(" ", text or "")
    text = NUMBER.sub(" ", text)
    return " ".join(text.split())[:SEARCH_KEPT].strip().lower()

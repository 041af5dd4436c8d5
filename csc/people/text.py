import unicodedata


def normalize(text: str) -> str:
    """Lower case, no accents, single spaces: 'Élodie  LEFÈVRE-Dubois' -> 'elodie lefevre dubois'.

    Stored in `search_name` so that accent- and case-insensitive search works the same on SQLite and
    PostgreSQL, and can use an index on both.
    """
    decomposed = unicodedata.normalize("NFKD", text or "")
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    cleaned = "".join(c if c.isalnum() else " " for c in stripped.lower())
    return " ".join(cleaned.split())

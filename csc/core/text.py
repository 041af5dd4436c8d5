"""Text helpers every app shares: the normalised form searches compare, and Markdown written by staff
rendered as safe HTML (help sheets, letters)."""

from __future__ import annotations

import re
import unicodedata

import nh3
from markdown_it import MarkdownIt


def normalize(text: str) -> str:
    """Lower case, no accents, single spaces: 'Élodie  LEFÈVRE-Dubois' -> 'elodie lefevre dubois'.

    Stored in `search_name` so that accent- and case-insensitive search works the same on SQLite and
    PostgreSQL, and can use an index on both.
    """
    decomposed = unicodedata.normalize("NFKD", text or "")
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    cleaned = "".join(c if c.isalnum() else " " for c in stripped.lower())
    return " ".join(cleaned.split())


# CommonMark without raw HTML: an author writes text, lists and links, never markup. nh3 then keeps only
# these tags and https links, whatever the Markdown parser let through.
_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
ALLOWED_TAGS = {"p", "ul", "ol", "li", "strong", "em", "a", "br", "h3", "h4", "code", "blockquote"}
ALLOWED_ATTRIBUTES = {"a": {"href"}}
HEADING = re.compile(r"<(/?)h[12]>")


def render_markdown(text: str) -> str:
    """Markdown -> safe HTML. Titles inside a section start at level 3, below the page's own."""
    html = _markdown.render(text or "")
    html = HEADING.sub(r"<\1h3>", html)
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"https"},
        link_rel="noopener noreferrer",
    )

"""The one way a request's JSON body is read: the kiosk's events, the API (csc/api.py's parser).

Python's json module recurses once per level of nesting: « [ » × 1500 (3 KB) exhausts the interpreter's
recursion limit and raised a RecursionError, a 500. Below that limit, a deep document would still
reach code that walks it recursively (pydantic, our own). So the depth is measured before parsing,
without recursion, and the size is bounded; what is refused gets a French message.
"""

from __future__ import annotations

import json
import re
from itertools import accumulate
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

# No request of the platform nests deeper than a few levels (a list of objects of lists…).
MAX_DEPTH = 32

# Strings first (their brackets are text), then everything but brackets: what is left is the structure.
_STRING = re.compile(rb'"(?:[^"\\]++|\\.)*+"', re.DOTALL)
_NOT_BRACKET = re.compile(rb"[^\[\]{}]++")
_STEP = [0] * 256
_STEP[ord("[")] = _STEP[ord("{")] = 1
_STEP[ord("]")] = _STEP[ord("}")] = -1


class BodyRefused(ValueError):
    """A body that is not JSON, too large or too deeply nested; str() is the French message."""


def max_bytes() -> int:
    return settings.CSC_JSON_MAX_BYTES


def nesting(body: bytes) -> int:
    """How deeply the body's arrays and objects nest, read without parsing it (C loops only: a
    megabyte of brackets costs milliseconds)."""
    brackets = _NOT_BRACKET.sub(b"", _STRING.sub(b"", body))
    return max(accumulate(map(_STEP.__getitem__, brackets)), default=0)


def loads(body: bytes | str, *, limit_bytes: int | None = None, depth: int = MAX_DEPTH) -> Any:
    """The JSON document of a request's body, or BodyRefused with what was wrong, in French."""
    data = body.encode() if isinstance(body, str) else bytes(body)
    limit = max_bytes() if limit_bytes is None else limit_bytes
    if len(data) > limit:
        size = f"{limit:,}".replace(",", "\u202f")  # 1 048 576: French digit groups
        raise BodyRefused(_("Le contenu est trop volumineux : %(max)s octets au plus.") % {"max": size})
    # UTF-8 only (RFC 8259), decoded before the depth is measured: json.loads(bytes) would also read
    # UTF-16 and UTF-32, where a byte 0x22 inside a character opens a string that nesting() does not see
    # close, and the brackets after it went uncounted.
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise BodyRefused(_("Le contenu n'est pas du JSON valide.")) from None
    if nesting(data) > depth:
        raise BodyRefused(_("Le contenu est trop imbriqué : %(depth)d niveaux au plus.") % {"depth": depth})
    try:
        return json.loads(text)
    except (ValueError, RecursionError):
        # ValueError covers malformed JSON and integers of more than 4,300 digits.
        raise BodyRefused(_("Le contenu n'est pas du JSON valide.")) from None

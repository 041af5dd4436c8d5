"""A workbook refused from its zip alone, before any part is streamed: `check_archive` bounds the
directory (members, declared sizes, compression ratio) without inflating a byte, and
`refuse_declarations` refuses a DTD from the prolog of every member."""

from __future__ import annotations

import zipfile

from django.utils.translation import gettext as _

from .limits import DEFAULT_LIMITS, SPLIT_IT, Limits, TableRefused, megabytes, number


def unzipped_too_big(what: str, size: int, limit: int) -> TableRefused:
    return TableRefused(
        _(
            "Ce classeur est trop volumineux : une fois décompressé, %(what)s pèserait %(size)s Mo, "
            "le maximum est %(limit)s Mo. %(split)s"
        )
        % {"what": what, "size": megabytes(size), "limit": megabytes(limit), "split": _(SPLIT_IT)}
    )


def check_archive(archive: zipfile.ZipFile, limits: Limits = DEFAULT_LIMITS) -> None:
    """Refuse a workbook from its zip directory alone: too many members, a member or the whole larger
    than the limits once unzipped, or compressed like a bomb. Nothing is inflated here."""
    members = archive.infolist()
    if len(members) > limits.max_members:
        raise TableRefused(
            _(
                "Ce classeur contient plus de %(members)s éléments : ce n'est pas un classeur ordinaire. "
                "Enregistrez-le à nouveau depuis votre tableur, ou en CSV."
            )
            % {"members": number(limits.max_members)}
        )
    total = 0
    for member in members:
        name, size = member.filename, member.file_size
        total += size
        if name.startswith("xl/worksheets/") and name.endswith(".xml"):
            limit, what = limits.max_sheet_bytes, _("une feuille")
        elif name == "xl/sharedStrings.xml":
            limit, what = limits.max_strings_bytes, _("le texte des cellules")
        elif name == "xl/styles.xml":
            limit, what = limits.max_styles_bytes, _("la mise en forme")
        elif name.endswith((".xml", ".rels")):
            limit, what = limits.max_part_bytes, _("un de ses éléments")
        else:
            # Pictures and the like are never unpacked to read the table: only the total bounds them.
            limit, what = limits.max_unzipped_bytes, _("un de ses éléments")
        if size > limit:
            raise unzipped_too_big(what, size, limit)
        if size > limits.ratio_checked_above and size > limits.max_ratio * max(member.compress_size, 1):
            raise TableRefused(
                _(
                    "Ce classeur est anormalement compressé (plus de %(ratio)s fois) : il ne peut pas "
                    "être lu sans risque. Enregistrez-le à nouveau depuis votre tableur, ou en CSV."
                )
                % {"ratio": number(limits.max_ratio)}
            )
    if total > limits.max_unzipped_bytes:
        raise unzipped_too_big(_("le classeur"), total, limits.max_unzipped_bytes)


class _RootReached(Exception):
    pass


class Declaration(Exception):
    pass


def refuse_declarations(archive: zipfile.ZipFile) -> None:
    """Refuse a workbook whose XML declares a DTD. A spreadsheet never needs one, and a DTD is what
    « billion laughs » entity bombs are made of; Python's XML parsers (expat, which `Parts` uses;
    defusedxml is not installed) would expand them. Only the prolog of each part is parsed: expat stops
    at the root element, before which any DTD must come (`Parts` refuses one all the same).

    Every member is looked at, whatever its name: the workbook, its sheets and its shared strings are
    found through the package's manifest and relations, which may name any member. A member expat cannot
    read (a picture, Excel's loose VML) is no XML: it is never parsed, or fails as it did here."""
    from xml.parsers import expat

    def doctype(*args):
        raise Declaration

    def root(*args):
        raise _RootReached

    for member in archive.infolist():
        parser = expat.ParserCreate()
        parser.StartDoctypeDeclHandler = doctype
        parser.EntityDeclHandler = doctype
        parser.StartElementHandler = root
        try:
            with archive.open(member) as part:
                while chunk := part.read(64 * 1024):
                    parser.Parse(chunk, False)
                parser.Parse(b"", True)
        except (_RootReached, expat.ExpatError):
            continue
        except Declaration:
            raise TableRefused(_(DECLARATIONS)) from None
        except Exception:  # noqa: BLE001 — expat.ExpatError, zipfile.BadZipFile, a bad CRC…
            raise TableRefused(_(BROKEN_WORKBOOK)) from None


DECLARATIONS = (
    "Ce classeur contient des déclarations qu'un tableur n'écrit pas : il ne peut pas être lu sans "
    "risque. Enregistrez-le à nouveau depuis votre tableur, ou en CSV."
)
BROKEN_WORKBOOK = (
    "Ce classeur Excel est abîmé ou protégé par un mot de passe : il ne peut pas être lu. "
    "Enregistrez-le à nouveau, sans mot de passe, ou en CSV."
)

"""The operations on activity sheets: write, publish, restore a version, copy into another centre,
attach photos and documents, comment, mark as favourite, delete a draft.

Plain functions, one transaction each. They raise `SheetRefused` (with a French message a person can
act on) when a rule says no; views show the message, never a 500. Every change of a sheet's text, kind
or objectives ends with `search.refresh_search_columns`, so that search always finds what is written.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from django import forms
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction

from csc.core import audit
from csc.core.uploads import check_document

from .models import (
    ActivitySheet,
    Objective,
    SheetAttachment,
    SheetComment,
    SheetFavourite,
    SheetVersion,
    ages_label,
)
from .search import refresh_search_columns

# What a version remembers and a restore brings back; status and visibility are remembered (the history
# says when a sheet was published) but a restore leaves them as they are.
CONTENT_FIELDS = (
    "title",
    "summary",
    "kind",
    "min_age",
    "max_age",
    "group_min",
    "group_max",
    "duration_minutes",
    "preparation_minutes",
    "materials",
    "steps",
    "variants",
    "safety_notes",
)
STATE_FIELDS = ("visibility", "status")
FIELD_LABELS = {
    "title": "Titre",
    "summary": "En quelques mots",
    "kind": "Type d'activité",
    "min_age": "Âge minimum",
    "max_age": "Âge maximum",
    "group_min": "Participants au moins",
    "group_max": "Participants au plus",
    "duration_minutes": "Durée",
    "preparation_minutes": "Préparation",
    "materials": "Matériel",
    "steps": "Déroulement",
    "variants": "Variantes",
    "safety_notes": "Sécurité",
    "objectives": "Objectifs servis",
    "visibility": "Qui peut la lire",
    "status": "État",
}
MAX_ATTACHMENTS = 10
PHOTO_TYPES = frozenset({"png", "jpeg"})
ATTACHMENT_TYPES = frozenset({"pdf", "png", "jpeg"})
MAX_COMMENT_LENGTH = 2000


class SheetRefused(Exception):
    """A rule said no; the message says why, in words the person can act on."""


class SheetConflict(SheetRefused):
    """Someone saved the sheet after the person opened it: their change would overwrite it."""

    def __init__(self, current_version: int, changed_by: str):
        self.current_version = current_version
        self.changed_by = changed_by
        super().__init__(
            f"« {changed_by} » a modifié cette fiche pendant que vous l'écriviez "
            f"(version {current_version}). Vos changements ne sont pas encore enregistrés : "
            "relisez la version actuelle puis enregistrez à nouveau."
        )


@dataclass
class SaveOutcome:
    """What a save did: the sheet, whether a new version was written, and, when publication was asked
    but the sheet is not complete, what is missing (the sheet is then kept as a draft)."""

    sheet: ActivitySheet
    new_version: bool
    missing: list[str] = field(default_factory=list)


# --- Reading helpers --------------------------------------------------------------------------------


def lines(text: str) -> list[str]:
    """Materials and steps are typed one per line: the non-blank lines, trimmed."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def missing_for_publication(sheet: ActivitySheet) -> list[str]:
    """What a reader needs and the sheet lacks, in French; empty when the sheet can be published."""
    missing = []
    if not (sheet.title or "").strip():
        missing.append("le titre")
    if not (sheet.summary or "").strip():
        missing.append("le résumé (« en quelques mots »)")
    if not sheet.kind:
        missing.append("le type d'activité")
    if sheet.min_age is None or sheet.max_age is None:
        missing.append("les âges (minimum et maximum)")
    if not sheet.duration_minutes:
        missing.append("la durée")
    if not lines(sheet.steps):
        missing.append("au moins une étape du déroulement")
    return missing


def snapshot(sheet: ActivitySheet, objectives: list[Objective] | None = None) -> dict:
    """The content of a sheet as a version keeps it: its fields, and its objectives by id and text (the
    text survives a later change of the pedagogical project)."""
    if objectives is None:
        objectives = list(sheet.objectives.order_by("position", "id"))
    content = {name: getattr(sheet, name) for name in CONTENT_FIELDS + STATE_FIELDS}
    content["objectives"] = [{"id": o.pk, "text": o.text} for o in objectives]
    return content


def changed_fields(before: dict, after: dict) -> list[str]:
    """The French names of the fields that differ between two snapshots."""
    names = []
    for name in (*CONTENT_FIELDS, "objectives", *STATE_FIELDS):
        old, new = before.get(name), after.get(name)
        if name == "objectives":
            old = sorted(o["id"] for o in old or [])
            new = sorted(o["id"] for o in new or [])
        if old != new:
            names.append(FIELD_LABELS[name])
    return names


def group_label(group_min: int | None, group_max: int | None) -> str:
    if group_min and group_max:
        return f"{group_min} à {group_max} participants"
    if group_min:
        return f"{group_min} participants au moins"
    if group_max:
        return f"{group_max} participants au plus"
    return ""


def kind_label(kind: str) -> str:
    return str(ActivitySheet.Kind(kind).label) if kind in ActivitySheet.Kind.values else ""


def body(content) -> dict:
    """What the template of a sheet's content shows, from a sheet or from a version's snapshot."""
    get = (
        content.get
        if isinstance(content, dict)
        else lambda name, default=None: getattr(content, name, default)
    )
    return {
        "content": content,
        "kind_label": kind_label(get("kind") or ""),
        "age_label": ages_label(get("min_age"), get("max_age")),
        "group_label": group_label(get("group_min"), get("group_max")),
        "materials": lines(get("materials", "")),
        "steps": lines(get("steps", "")),
    }


def author_name(user) -> str:
    if user is None:
        return "Un membre de l'équipe"
    return user.get_full_name() or user.email


def copies_in(source: ActivitySheet, centre) -> list[ActivitySheet]:
    """The copies this centre already made of a sheet: copying again is allowed, but worth a warning."""
    return list(ActivitySheet.objects.filter(copied_from=source, centre=centre).order_by("-created_at"))


# --- Writing ----------------------------------------------------------------------------------------


def _clean_objectives(centre, objectives) -> list[Objective]:
    # Only the centre's own objectives: an id of another centre's project never reaches a sheet.
    ids = [o.pk if isinstance(o, Objective) else int(o) for o in objectives or []]
    return list(Objective.objects.filter(centre=centre, pk__in=ids).order_by("position", "id"))


def _assign(sheet: ActivitySheet, data: dict) -> None:
    for name in (*CONTENT_FIELDS, "visibility"):
        if name in data:
            value = data[name]
            # Browsers send line breaks as CRLF: store one kind, so that versions compare equal.
            setattr(sheet, name, value.replace("\r\n", "\n").strip() if isinstance(value, str) else value)


def _check_ranges(sheet: ActivitySheet) -> None:
    # The forms say this next to the fields; the service says it too, for the API and the shell.
    pairs = [("min_age", "max_age", "L'âge minimum dépasse l'âge maximum.")]
    pairs.append(("group_min", "group_max", "Le nombre minimum de participants dépasse le maximum."))
    for low, high, message in pairs:
        a, b = getattr(sheet, low), getattr(sheet, high)
        if a is not None and b is not None and a > b:
            raise SheetRefused(message)
    if not (sheet.title or "").strip():
        raise SheetRefused("Donnez un titre à la fiche, même provisoire.")


def _write_version(sheet: ActivitySheet, content: dict, actor) -> SheetVersion:
    return SheetVersion.objects.create(sheet=sheet, number=sheet.version, author=actor, content=content)


def _apply_publication(sheet: ActivitySheet, publish: bool) -> list[str]:
    """Set the status the person asked for; a sheet that is not complete stays (or becomes) a draft."""
    if not publish:
        sheet.status = ActivitySheet.Status.DRAFT
        return []
    missing = missing_for_publication(sheet)
    sheet.status = ActivitySheet.Status.DRAFT if missing else ActivitySheet.Status.PUBLISHED
    return missing


@transaction.atomic
def create_sheet(*, centre, author, data: dict, objectives=(), publish: bool = False) -> SaveOutcome:
    """Write a new sheet in a centre: version 1. Only the title is needed for a draft; publishing asks
    for `missing_for_publication`, and a sheet that is not complete is kept as a draft."""
    sheet = ActivitySheet(centre=centre, author=author)
    _assign(sheet, data)
    _check_ranges(sheet)
    missing = _apply_publication(sheet, publish)
    sheet.version = 1
    sheet.save()
    chosen = _clean_objectives(centre, objectives)
    sheet.objectives.set(chosen)
    _write_version(sheet, snapshot(sheet, chosen), author)
    refresh_search_columns([sheet.pk])
    return SaveOutcome(sheet=sheet, new_version=True, missing=missing)


def _locked(sheet: ActivitySheet) -> ActivitySheet:
    # The row lock makes two simultaneous saves queue up, so the second one sees the first's version.
    return ActivitySheet.objects.select_for_update().get(pk=sheet.pk)


def _last_author(sheet: ActivitySheet) -> str:
    version = sheet.versions.select_related("author").filter(number=sheet.version).first()
    return author_name(version.author if version else sheet.author)


@transaction.atomic
def update_sheet(
    *, sheet: ActivitySheet, actor, data: dict, objectives=(), publish: bool, expected_version: int | None
) -> SaveOutcome:
    """Save an edit. Raises `SheetConflict` when the sheet changed since `expected_version` (the version
    the form was opened on): nothing is overwritten. A save that changes nothing writes no version."""
    sheet = _locked(sheet)
    if expected_version is not None and expected_version != sheet.version:
        raise SheetConflict(sheet.version, _last_author(sheet))
    before = snapshot(sheet)
    _assign(sheet, data)
    _check_ranges(sheet)
    missing = _apply_publication(sheet, publish)
    chosen = _clean_objectives(sheet.centre_id, objectives)
    after = snapshot(sheet, chosen)
    if not changed_fields(before, after):
        return SaveOutcome(sheet=sheet, new_version=False, missing=missing)
    sheet.version += 1
    sheet.save()
    sheet.objectives.set(chosen)
    _write_version(sheet, after, actor)
    refresh_search_columns([sheet.pk])
    return SaveOutcome(sheet=sheet, new_version=True, missing=missing)


@transaction.atomic
def unpublish_sheet(*, sheet: ActivitySheet, actor) -> ActivitySheet:
    """Take a sheet back to draft: other centres stop seeing it, plannings that placed it keep it."""
    sheet = _locked(sheet)
    if not sheet.is_published:
        raise SheetRefused("Cette fiche est déjà un brouillon.")
    sheet.status = ActivitySheet.Status.DRAFT
    sheet.version += 1
    sheet.save()
    _write_version(sheet, snapshot(sheet), actor)
    return sheet


@transaction.atomic
def restore_version(*, sheet: ActivitySheet, number: int, actor) -> ActivitySheet:
    """Bring back what a sheet said at an earlier version, as a new version (the history keeps all).

    Objectives that no longer exist in the centre's project are left out. A published sheet keeps its
    status, so a version that lacks what publication needs is refused.
    """
    sheet = _locked(sheet)
    version = SheetVersion.objects.filter(sheet=sheet, number=number).first()
    if version is None:
        raise SheetRefused("Cette version n'existe pas.")
    if number == sheet.version:
        raise SheetRefused("C'est déjà la version actuelle de la fiche.")
    before = snapshot(sheet)
    for name in CONTENT_FIELDS:
        if name in version.content:
            setattr(sheet, name, version.content[name])
    _check_ranges(sheet)
    if sheet.is_published:
        missing = missing_for_publication(sheet)
        if missing:
            raise SheetRefused(
                f"La version {number} ne peut pas remplacer la fiche publiée : il lui manque "
                f"{', '.join(missing)}. Repassez d'abord la fiche en brouillon."
            )
    wanted = [o["id"] for o in version.content.get("objectives", [])]
    chosen = _clean_objectives(sheet.centre_id, wanted)
    after = snapshot(sheet, chosen)
    if not changed_fields(before, after):
        raise SheetRefused("Cette version est identique à la fiche actuelle.")
    sheet.version += 1
    sheet.save()
    sheet.objectives.set(chosen)
    _write_version(sheet, after, actor)
    refresh_search_columns([sheet.pk])
    return sheet


@transaction.atomic
def copy_sheet(*, source: ActivitySheet, centre, actor) -> ActivitySheet:
    """Copy a sheet into a centre: the copy belongs to it and its author is the person copying.

    Published but kept in the centre (the team adapts it before sharing it again). The objectives are
    dropped (they are the other centre's); photos and documents are duplicated, so deleting the
    original never empties the copy.
    """
    if source.centre_id != centre.pk and not (source.is_published and source.is_shared):
        # The views only offer readable sheets; this guards the other callers.
        raise SheetRefused("Cette fiche n'est pas partagée avec le réseau.")
    copy = ActivitySheet(centre=centre, author=actor, copied_from=source)
    for name in CONTENT_FIELDS:
        setattr(copy, name, getattr(source, name))
    copy.visibility = ActivitySheet.Visibility.CENTRE
    copy.status = (
        ActivitySheet.Status.DRAFT if missing_for_publication(copy) else ActivitySheet.Status.PUBLISHED
    )
    copy.version = 1
    copy.save()
    for attachment in source.attachments.all():
        with attachment.file.open("rb") as handle:
            content = handle.read()
        duplicate = SheetAttachment(
            sheet=copy,
            name=attachment.name,
            kind=attachment.kind,
            file_type=attachment.file_type,
            size=attachment.size,
            uploaded_by=actor,
        )
        duplicate.file.save("copie", ContentFile(content), save=True)
    _write_version(copy, snapshot(copy, []), actor)
    refresh_search_columns([copy.pk])
    return copy


@transaction.atomic
def delete_sheet(*, sheet: ActivitySheet, actor) -> None:
    """Delete a draft (a published sheet is taken back to draft first: others may rely on it). A sheet
    placed in a planning is kept, so that the planning still says where its activity came from."""
    sheet = _locked(sheet)
    if sheet.is_published:
        raise SheetRefused("Une fiche publiée ne se supprime pas : repassez-la d'abord en brouillon.")
    used = sheet.planning_entries.count()
    if used:
        raise SheetRefused(
            f"Cette fiche est placée {used} fois dans des plannings : elle est gardée en brouillon pour "
            "qu'ils restent lisibles."
        )
    files = [a.file.name for a in sheet.attachments.all()]
    audit.record("delete", centre=sheet.centre_id, obj=sheet, actor=actor, detail="fiche")
    sheet.delete()
    storage = SheetAttachment._meta.get_field("file").storage
    # Files go once the rows are gone for good, not if the transaction is rolled back.
    transaction.on_commit(lambda: [storage.delete(name) for name in files])


# --- Attachments ------------------------------------------------------------------------------------


def check_attachment(upload) -> str:
    """The real type of an uploaded file (pdf, png, jpeg), or `SheetRefused` saying what is wrong."""
    try:
        return check_document(
            upload,
            limit=settings.CSC_MAX_UPLOAD_BYTES,
            allowed=ATTACHMENT_TYPES,
            too_big_hint="Réduisez la photo ou enregistrez le document en qualité « écran ».",
            wrong_type="Ce fichier n'est ni une photo JPG ou PNG, ni un document PDF.",
        )
    except forms.ValidationError as error:
        raise SheetRefused(" ".join(error.messages)) from None


@transaction.atomic
def add_attachment(*, sheet: ActivitySheet, upload, actor, name: str = "") -> SheetAttachment:
    """Attach a photo (shown on the sheet) or a PDF (offered to download), checked by its content,
    at most `MAX_ATTACHMENTS` per sheet."""
    sheet = _locked(sheet)
    if sheet.attachments.count() >= MAX_ATTACHMENTS:
        raise SheetRefused(
            f"Cette fiche a déjà {MAX_ATTACHMENTS} pièces jointes, le maximum : retirez-en une d'abord."
        )
    file_type = check_attachment(upload)
    label = (name or "").strip() or os.path.basename(upload.name or "") or "Pièce jointe"
    attachment = SheetAttachment(
        sheet=sheet,
        name=label[:200],
        kind=SheetAttachment.Kind.PHOTO if file_type in PHOTO_TYPES else SheetAttachment.Kind.DOCUMENT,
        file_type=file_type,
        size=upload.size,
        uploaded_by=actor,
    )
    attachment.file.save("piece", upload, save=True)
    return attachment


@transaction.atomic
def remove_attachment(*, attachment: SheetAttachment, actor) -> None:
    """Take a photo or a document off a sheet, and its file off the disk."""
    name = attachment.file.name
    storage = attachment.file.storage
    attachment.delete()
    transaction.on_commit(lambda: storage.delete(name))


# --- Comments and favourites ------------------------------------------------------------------------


@transaction.atomic
def add_comment(*, sheet: ActivitySheet, centre, author, text: str) -> SheetComment:
    """A colleague's word on a sheet they can read, kept as plain text."""
    text = (text or "").replace("\r\n", "\n").strip()
    if not text:
        raise SheetRefused("Le commentaire est vide : écrivez quelques mots.")
    if len(text) > MAX_COMMENT_LENGTH:
        raise SheetRefused(
            f"Le commentaire fait {len(text)} caractères : le maximum est {MAX_COMMENT_LENGTH}."
        )
    return SheetComment.objects.create(sheet=sheet, centre=centre, author=author, text=text)


@transaction.atomic
def delete_comment(*, comment: SheetComment, actor) -> None:
    """Only its author takes a comment back."""
    if comment.author_id is None or comment.author_id != actor.pk:
        raise SheetRefused("Seule la personne qui a écrit ce commentaire peut le supprimer.")
    comment.delete()


@transaction.atomic
def set_favourite(*, sheet: ActivitySheet, user, favourite: bool) -> bool:
    """Add or remove a sheet from the person's favourites; says the new state. Idempotent, so a
    double click or a resent form does no harm."""
    if favourite:
        SheetFavourite.objects.get_or_create(user=user, sheet=sheet)
    else:
        SheetFavourite.objects.filter(user=user, sheet=sheet).delete()
    return favourite

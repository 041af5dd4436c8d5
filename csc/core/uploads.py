"""Uploaded documents and photos: their real type from their first bytes, and the checks every upload
goes through (size, type, a readable file), with messages a person understands.

Shared by the modules that accept files (attestations of the pre-registration, photos and attachments of
the activity sheets…): one place decides what a PDF or a photo is.
"""

from __future__ import annotations

from django import forms

CONTENT_TYPES = {"pdf": "application/pdf", "png": "image/png", "jpeg": "image/jpeg"}
EXTENSIONS = {"pdf": "pdf", "png": "png", "jpeg": "jpg"}


def sniff_document(head: bytes) -> str | None:
    """The real type of an uploaded document from its first bytes, whatever its name says."""
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    return None


def megabytes(size: int) -> str:
    return f"{size / 1024 / 1024:.1f}".replace(".", ",")


def check_document(
    upload,
    *,
    limit: int,
    allowed: frozenset[str] = frozenset(CONTENT_TYPES),
    too_big_hint: str = "",
    wrong_type: str = "Ce fichier n'est pas un PDF, une photo JPG ou PNG.",
) -> str:
    """Refuse a file that is too heavy, not of an allowed type, or broken; return its real type.

    The type comes from the content, never from the name: a renamed file is refused.
    """
    if upload.size > limit:
        message = f"Ce fichier pèse {megabytes(upload.size)} Mo : le maximum est {limit // 1024 // 1024} Mo."
        raise forms.ValidationError(f"{message} {too_big_hint}".strip())
    upload.seek(0)
    kind = sniff_document(upload.read(16))
    if kind is None or kind not in allowed:
        raise forms.ValidationError(wrong_type)
    upload.seek(0)
    if kind == "pdf":
        upload.seek(max(0, upload.size - 2048))
        if b"%%EOF" not in upload.read():
            raise forms.ValidationError("Ce PDF semble abîmé ou incomplet. Téléchargez-le à nouveau.")
    else:
        from PIL import Image

        try:
            with Image.open(upload) as image:
                image.verify()
        except Exception:  # noqa: BLE001 — Pillow raises many kinds of errors for a broken image
            raise forms.ValidationError("Cette image est abîmée et ne peut pas être lue.") from None
    upload.seek(0)
    return kind

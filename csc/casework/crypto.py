"""Encryption at rest of what a social worker writes about a person: notes, exchange contents, uploaded
documents. A stolen database dump or backup then shows no case content; names and dates stay in clear
so that files can still be searched and counted.

The keys come from the environment (CSC_CASEWORK_KEYS, comma-separated Fernet keys): the first one
encrypts, every one of them decrypts. Rotation (docs/installation.md, 4.3): put a new key first, keep the
old ones after it, run `manage.py rotate_casework_keys`, then drop the old keys.

Fernet is AES-128-CBC with an HMAC-SHA256: a tampered value is refused rather than read wrongly.
"""

from __future__ import annotations

import functools
import logging
import threading

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import request_started
from django.db import models
from django.dispatch import receiver

logger = logging.getLogger(__name__)

# Every stored value starts with this, so that a clear value (a row written before encryption, a
# fixture) is told apart from a token and never fed to the decryption.
PREFIX = "enc1:"


class UnreadableValue(Exception):
    """A value none of the configured keys can decrypt (a key was dropped too early, or the row was
    tampered with)."""


UNREADABLE_MESSAGE = (
    "Cette note ne peut pas être déchiffrée avec les clés de chiffrement de l'installation. "
    "Prévenez l'administrateur."
)


class UnreadableText(str):
    """What an encrypted column reads as when no configured key decrypts it (a restore with the wrong
    CSC_CASEWORK_KEYS, a key dropped too early): the French sentence staff see in place of the note,
    so that the page, the export and the PDF still show the rest instead of failing with a 500.

    It keeps the stored token: saving the row again writes the token back unchanged (a wrong key
    must never turn a note into this sentence for good). Templates tell it apart with `.unreadable`."""

    unreadable = True

    def __new__(cls, token: str):
        text = super().__new__(cls, UNREADABLE_MESSAGE)
        text.token = token
        return text


# One error line per request (or per command run) rather than one per note: a file of 200 exchanges
# read with the wrong key would otherwise bury the log. Cleared when a request starts.
_reported = threading.local()


@receiver(request_started, dispatch_uid="casework_crypto_reset_reported")
def _reset_reported(**kwargs):
    _reported.done = False


def _report_unreadable(field) -> None:
    if getattr(_reported, "done", False):
        return
    _reported.done = True
    logger.error(
        "Accompagnement social : une valeur chiffrée de %s ne se déchiffre avec aucune clé de "
        "CSC_CASEWORK_KEYS (clé retirée trop tôt, ou sauvegarde restaurée avec d'autres clés). "
        "Lancez `manage.py verify_restore` pour compter les valeurs illisibles.",
        f"{field.model._meta.label}.{field.name}" if getattr(field, "model", None) else "?",
    )


def new_key() -> str:
    """A fresh key, for the documentation's `python -c` line and the rotation command's hint."""
    return Fernet.generate_key().decode()


@functools.cache
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    try:
        return MultiFernet([Fernet(key.encode()) for key in keys])
    except (ValueError, TypeError) as error:
        raise ImproperlyConfigured(
            "CSC_CASEWORK_KEYS : chaque clé doit être une clé Fernet (44 caractères base64)."
        ) from error


def fernet() -> MultiFernet:
    keys = tuple(settings.CSC_CASEWORK_KEYS)
    if not keys:
        raise ImproperlyConfigured("CSC_CASEWORK_KEYS doit être défini (docs/installation.md).")
    return _fernet(keys)


def encrypt_bytes(data: bytes) -> bytes:
    return fernet().encrypt(data)


def decrypt_bytes(token: bytes) -> bytes:
    try:
        return fernet().decrypt(token)
    except InvalidToken:
        raise UnreadableValue("Contenu illisible avec les clés configurées.") from None


def rotate_bytes(token: bytes) -> bytes:
    """A stored file's content encrypted again with the first key."""
    try:
        return fernet().rotate(token)
    except InvalidToken:
        raise UnreadableValue("Contenu illisible avec les clés configurées.") from None


def encrypt_text(value: str) -> str:
    if not value:
        return value
    return PREFIX + encrypt_bytes(value.encode()).decode()


def decrypt_text(stored: str) -> str:
    if not stored or not stored.startswith(PREFIX):
        return stored
    return decrypt_bytes(stored[len(PREFIX) :].encode()).decode()


def rotate_text(stored: str) -> str:
    """The value encrypted again with the first key (MultiFernet.rotate keeps the original timestamp)."""
    if not stored or not stored.startswith(PREFIX):
        return encrypt_text(stored)
    try:
        return PREFIX + fernet().rotate(stored[len(PREFIX) :].encode()).decode()
    except InvalidToken:
        raise UnreadableValue("Contenu illisible avec les clés configurées.") from None


class EncryptedTextField(models.TextField):
    """A text column stored encrypted, read in clear. It cannot be searched or sorted in the database:
    use it only for what nobody filters on (notes, contents)."""

    def from_db_value(self, value, expression, connection):
        if value is None:
            return value
        try:
            return decrypt_text(value)
        except UnreadableValue:
            _report_unreadable(self)
            return UnreadableText(value)

    def get_prep_value(self, value):
        if isinstance(value, UnreadableText):
            return value.token  # written back as it was read: never the sentence in its place
        value = super().get_prep_value(value)
        return encrypt_text(value) if value is not None else value

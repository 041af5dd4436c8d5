"""The casework module's part of `manage.py verify_restore` (csc.core.restore_check): do the configured
CSC_CASEWORK_KEYS read what the restored database holds? A sample of every encrypted column and of the
documents' files is decrypted; the output says how many were read and how many failed, never what they
say."""

from __future__ import annotations

from django.apps import apps
from django.core.exceptions import ImproperlyConfigured

from csc.core.restore_check import Options, Result

from . import crypto
from .models import Document

LABEL = "Accompagnement social, clés de chiffrement"


def encrypted_columns():
    """(model, field name) of every encrypted column of the module."""
    for model in apps.get_app_config("casework").get_models():
        for field in model._meta.concrete_fields:
            if isinstance(field, crypto.EncryptedTextField):
                yield model, field.name


def check_notes(options: Options) -> list[Result]:
    try:
        crypto.fernet()
    except ImproperlyConfigured as error:
        return [Result(LABEL, False, str(error))]
    sampled = failed = 0
    failed_in: dict[str, int] = {}
    for model, name in encrypted_columns():
        values = (
            model._default_manager.using(options.database)
            .exclude(**{name: ""})
            .order_by("-pk")
            .values_list(name, flat=True)[: options.sample]
        )
        for value in values:
            sampled += 1
            if getattr(value, "unreadable", False):
                failed += 1
                label = f"{model._meta.verbose_name_plural} ({model._meta.get_field(name).verbose_name})"
                failed_in[label] = failed_in.get(label, 0) + 1
    detail = f"{sampled} note(s) chiffrée(s) lue(s) (les {options.sample} plus récentes de chaque sorte)"
    if failed:
        where = ", ".join(f"{label} : {number}" for label, number in sorted(failed_in.items()))
        return [
            Result(
                LABEL,
                False,
                f"{detail}, {failed} illisible(s) avec CSC_CASEWORK_KEYS ({where}). "
                "Remettez la clé qui les a chiffrées (voir docs/sauvegardes.md).",
            )
        ]
    return [Result(LABEL, True, f"{detail}, toutes déchiffrées.")]


def check_documents(options: Options) -> list[Result]:
    """A sample of the documents' files decrypted. A file that is absent is the file check's to report
    (csc.core.restore_check.check_files): counted here apart, not as unreadable."""
    sampled = failed = absent = 0
    documents = Document.objects.using(options.database).order_by("-pk")[: options.sample]
    for document in documents:
        try:
            with document.file.open("rb") as stored:
                crypto.decrypt_bytes(stored.read())
        except FileNotFoundError:
            absent += 1
            continue
        except crypto.UnreadableValue:
            failed += 1
        except Exception:  # noqa: BLE001 — keys not configured: check_notes already says so
            failed += 1
        sampled += 1
    detail = f"{sampled} document(s) lu(s) sur les {options.sample} plus récents"
    if absent:
        detail += f" ({absent} fichier(s) absent(s), voir « Fichiers déposés »)"
    label = "Accompagnement social, documents"
    if failed:
        return [Result(label, False, f"{detail}, {failed} illisible(s) avec CSC_CASEWORK_KEYS.")]
    return [Result(label, True, f"{detail}, tous déchiffrés.")]

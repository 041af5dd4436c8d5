"""Encrypt every stored note and document again with the first key of CSC_CASEWORK_KEYS
(docs/installation.md)."""

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError

from csc.casework import services
from csc.casework.crypto import EncryptedTextField, UnreadableValue
from csc.casework.models import Document

BATCH = 500


def _unreadable(obj, fields) -> bool:
    return any(getattr(getattr(obj, name), "unreadable", False) for name in fields)


class Command(BaseCommand):
    help = (
        "Chiffre de nouveau les notes de l'accompagnement avec la première clé de CSC_CASEWORK_KEYS. "
        "À lancer après avoir placé une nouvelle clé en tête, avant de retirer les anciennes."
    )

    def handle(self, *args, **options):
        unreadable = 0
        for model in apps.get_app_config("casework").get_models():
            fields = [f.name for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)]
            if not fields:
                continue
            done = skipped = 0
            batch = []
            # Read in clear with any configured key, written back with the first one. A row no key
            # reads is left as it is (and counted): rotating cannot save it, dropping a key would.
            for obj in model.objects.only("pk", *fields).order_by("pk").iterator(chunk_size=BATCH):
                if _unreadable(obj, fields):
                    skipped += 1
                    continue
                batch.append(obj)
                if len(batch) == BATCH:
                    model.objects.bulk_update(batch, fields)
                    done += len(batch)
                    batch = []
            if batch:
                model.objects.bulk_update(batch, fields)
                done += len(batch)
            self.stdout.write(f"{model._meta.verbose_name_plural} : {done} chiffré(s) de nouveau.")
            if skipped:
                self.stdout.write(
                    f"{model._meta.verbose_name_plural} : {skipped} illisible(s), laissé(s) tel(s) quel(s)."
                )
            unreadable += skipped
        # The documents' files too: without them, dropping the old key would leave them unreadable.
        done = skipped = 0
        for document in Document.objects.order_by("pk").iterator(chunk_size=BATCH):
            try:
                services.rotate_document(document)
            except UnreadableValue:
                skipped += 1
                continue
            done += 1
        self.stdout.write(f"documents (fichiers) : {done} chiffré(s) de nouveau.")
        if skipped:
            self.stdout.write(f"documents (fichiers) : {skipped} illisible(s), laissé(s) tel(s) quel(s).")
        unreadable += skipped
        if unreadable:
            raise CommandError(
                f"{unreadable} valeur(s) ou fichier(s) ne se déchiffrent avec aucune clé de "
                "CSC_CASEWORK_KEYS : ne retirez pas d'ancienne clé avant d'avoir retrouvé celle qui les lit."
            )

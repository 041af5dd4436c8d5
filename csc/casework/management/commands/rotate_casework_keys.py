"""Encrypt every stored note and document again with the first key of CSC_CASEWORK_KEYS
(docs/installation.md)."""

from django.apps import apps
from django.core.management.base import BaseCommand

from csc.casework import services
from csc.casework.crypto import EncryptedTextField
from csc.casework.models import Document

BATCH = 500


class Command(BaseCommand):
    help = (
        "Chiffre de nouveau les notes de l'accompagnement avec la première clé de CSC_CASEWORK_KEYS. "
        "À lancer après avoir placé une nouvelle clé en tête, avant de retirer les anciennes."
    )

    def handle(self, *args, **options):
        for model in apps.get_app_config("casework").get_models():
            fields = [f.name for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)]
            if not fields:
                continue
            done = 0
            batch = []
            # Read in clear with any configured key, written back with the first one.
            for obj in model.objects.only("pk", *fields).order_by("pk").iterator(chunk_size=BATCH):
                batch.append(obj)
                if len(batch) == BATCH:
                    model.objects.bulk_update(batch, fields)
                    done += len(batch)
                    batch = []
            if batch:
                model.objects.bulk_update(batch, fields)
                done += len(batch)
            self.stdout.write(f"{model._meta.verbose_name_plural} : {done} chiffré(s) de nouveau.")
        # The documents' files too: without them, dropping the old key would leave them unreadable.
        done = 0
        for document in Document.objects.order_by("pk").iterator(chunk_size=BATCH):
            services.rotate_document(document)
            done += 1
        self.stdout.write(f"documents (fichiers) : {done} chiffré(s) de nouveau.")

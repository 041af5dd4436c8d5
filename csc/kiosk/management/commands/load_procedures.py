from pathlib import Path

from django.core.management.base import BaseCommand

from csc.kiosk.catalogue import load_procedures


class Command(BaseCommand):
    help = "Charge ou met à jour le catalogue des démarches en ligne de la borne (procedures.json)."

    def add_arguments(self, parser):
        parser.add_argument("--file", type=Path, help="Autre fichier que CSC_PROCEDURES_FILE.")

    def handle(self, *args, file=None, **options):
        counts = load_procedures(file)
        self.stdout.write(
            self.style.SUCCESS(
                f"{counts['procedures']} démarches dans {counts['themes']} thèmes"
                + (f", {counts['retired']} retirées." if counts["retired"] else ".")
            )
        )

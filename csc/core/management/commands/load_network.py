from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from csc.core.network import load_network


class Command(BaseCommand):
    help = "Charge ou met à jour le réseau réel (fédération, territoires, centres, sites), rien d'inventé."

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", default=str(settings.CSC_NETWORK_FILE), help="network.json")

    def handle(self, *args, path, **options):
        counts = load_network(Path(path))
        self.stdout.write(
            f"{counts['federations']} fédération(s), {counts['territories']} territoire(s), "
            f"{counts['centres']} centre(s) à jour."
        )

from django.core.management.base import BaseCommand

from csc.casework.retention import anonymise_closed_periods


class Command(BaseCommand):
    help = (
        "Anonymise les parcours d'accompagnement clôturés depuis plus longtemps que la durée de "
        "conservation de leur centre : notes, objectifs, précisions et documents effacés, personnes "
        "détachées ; les chiffres pour les financeurs restent. À lancer chaque jour (cron)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--simulation",
            action="store_true",
            help="Compte seulement les parcours à anonymiser, centre par centre, sans rien changer.",
        )

    def handle(self, *args, simulation, **options):
        run = anonymise_closed_periods(dry_run=simulation)
        for centre, count in run.by_centre.items():
            self.stdout.write(f"{centre} : {count} parcours")
        verb = "à anonymiser (simulation, rien n'est changé)" if simulation else "anonymisé(s)"
        self.stdout.write(f"{run.periods} parcours {verb}.")

from django.core.management.base import BaseCommand

from csc.people.services import anonymise_expired


class Command(BaseCommand):
    help = (
        "Anonymise les personnes sans activité depuis plus longtemps que la durée de conservation de "
        "leur centre. À lancer chaque jour (cron, timer systemd)."
    )

    def handle(self, *args, **options):
        count = anonymise_expired()
        self.stdout.write(f"{count} personne(s) anonymisée(s).")

from django.core.management.base import BaseCommand

from csc.core.jobs import KEPT_DAYS, expire


class Command(BaseCommand):
    help = (
        f"Efface les travaux en arrière-plan (exports, bilans, imports) terminés depuis plus de {KEPT_DAYS} "
        "jours, avec leurs fichiers. À lancer chaque jour (cron)."
    )

    def handle(self, *args, **options):
        count = expire()
        self.stdout.write(f"{count} travail(s) effacé(s).")

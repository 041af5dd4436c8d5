from django.core.management.base import BaseCommand, CommandError

from csc.casework.reminders import DUE_WITHIN_DAYS, queue_digests


class Command(BaseCommand):
    help = (
        "Met en file d'attente un e-mail par intervenant(e) qui a des tâches d'accompagnement en retard "
        "ou à faire bientôt ; le worker des tâches (db_worker) l'envoie. À lancer une fois par jour (cron)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--jours",
            type=int,
            default=DUE_WITHIN_DAYS,
            help=f"Une tâche compte comme « bientôt » jusqu'à N jours (défaut : {DUE_WITHIN_DAYS}).",
        )

    def handle(self, *args, jours, **options):
        if jours < 0 or jours > 60:
            raise CommandError("--jours doit être entre 0 et 60.")
        count = queue_digests(within_days=jours)
        self.stdout.write(f"{count} rappel(s) de tâches mis en file d'attente.")

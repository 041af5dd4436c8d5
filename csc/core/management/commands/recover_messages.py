from django.core.management.base import BaseCommand

from csc.core.notify import recover_stalled


class Command(BaseCommand):
    help = (
        "Remet en file d'attente les messages (e-mails) restés en attente sans tâche depuis plus de "
        "30 minutes, et marque en échec ceux dont l'envoi a été interrompu. À lancer régulièrement (cron)."
    )

    def handle(self, *args, **options):
        count = recover_stalled()
        self.stdout.write(f"{count} message(s) repris.")

from django.core.management.base import BaseCommand

from csc.enrolment.services import expire_offers


class Command(BaseCommand):
    help = (
        "Termine les places proposées (liste d'attente) dont le délai du centre est passé : la famille est "
        "prévenue par e-mail et la place passe à la suivante. À lancer chaque heure (cron)."
    )

    def handle(self, *args, **options):
        expired = expire_offers()
        self.stdout.write(f"{len(expired)} place(s) proposée(s) expirée(s).")

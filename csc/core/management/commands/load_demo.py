from importlib import import_module

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from faker import Faker

DEMO_SEED = 2017  # the year the programme started; any fixed seed gives the same demo everywhere


class Command(BaseCommand):
    help = "Charge le réseau réel et des données de démonstration inventées (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--demo", action="store_true", help="Autorise les comptes de démonstration sans DEBUG."
        )

    def handle(self, *args, demo=False, **options):
        if not (settings.DEBUG or demo):
            raise CommandError(
                "Les comptes de démonstration ont un mot de passe connu : "
                "lancez avec DJANGO_DEBUG=1 ou --demo, jamais en production."
            )
        # Every app may bring a `demo` module; they run in INSTALLED_APPS order (core first).
        for config in apps.get_app_configs():
            if not config.name.startswith("csc."):
                continue
            try:
                module = import_module(f"{config.name}.demo")
            except ModuleNotFoundError as error:
                if error.name != f"{config.name}.demo":
                    raise
                continue
            faker = Faker("fr_FR")
            faker.seed_instance(DEMO_SEED)
            with transaction.atomic():
                module.load(faker, self.stdout)
        self.stdout.write(self.style.SUCCESS("Données de démonstration prêtes."))

"""The kiosks of the `borne` benchmark, on generate_scale_data's network.

Every centre of the `bench` federation gets its kiosk as a centre does the first time anyone opens it
(`services.kiosk_for`: the catalogue's national tiles and those of its own département and town), and
the network gets the demo's help sheets, written by its first centre and shared, so that the home pages
show their « Fiche d'aide » links as a real network's do. The catalogue comes first
(`manage.py load_procedures`).

Running it again only adds what is missing. `--delete` removes what the kiosks of the network hold
(events, survey answers, help sheets, tiles, kiosks) with raw deletes: a click keeps its tile
(`on_delete=PROTECT`), which would stop generate_scale_data from deleting the centres.
"""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from csc.core.models import Centre
from csc.kiosk import services
from csc.kiosk.demo_content import HELP_SHEETS
from csc.kiosk.models import HelpSheet, Kiosk, Procedure
from csc.people.management.commands.generate_scale_data import FEDERATION_SLUG


class Command(BaseCommand):
    help = (
        "Ouvre la borne de chaque centre du réseau de benchmark (fédération « bench ») et y partage les "
        "fiches d'aide de la démo. Idempotent ; --delete supprime ce que les bornes du réseau contiennent."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--delete", action="store_true", help="Supprime les bornes du réseau et leurs données."
        )

    def handle(self, *args, delete=False, **options):
        centres = list(
            Centre.objects.filter(territory__federation__slug=FEDERATION_SLUG)
            .select_related("territory")
            .order_by("slug")
        )
        if delete:
            self._delete([c.pk for c in centres])
            return
        if not centres:
            raise CommandError("Pas de réseau de benchmark : lancez d'abord `manage.py generate_scale_data`.")
        if not Procedure.objects.filter(is_active=True).exists():
            raise CommandError("Catalogue vide : lancez d'abord `manage.py load_procedures`.")
        started = time.monotonic()
        with_kiosk = set(Kiosk.objects.filter(centre__in=centres).values_list("centre_id", flat=True))
        opened = 0
        for centre in centres:
            if centre.pk not in with_kiosk:
                services.kiosk_for(centre)
                opened += 1
        sheets = self._help_sheets(centres[0])
        self.stdout.write(
            self.style.SUCCESS(
                f"{len(centres)} bornes ({opened} ouvertes), {sheets} fiches d'aide ajoutées, "
                f"en {time.monotonic() - started:.1f} s."
            )
        )

    @transaction.atomic
    def _help_sheets(self, author: Centre) -> int:
        if HelpSheet.objects.filter(centre__territory__federation_id=author.territory.federation_id).exists():
            return 0
        procedures = {p.slug: p for p in Procedure.objects.filter(is_active=True)}
        added = 0
        for item in HELP_SHEETS:
            procedure = procedures.get(item["procedure"])
            if procedure is not None:
                fields = {k: v for k, v in item.items() if k != "procedure"}
                HelpSheet.objects.create(centre=author, procedure=procedure, is_shared=True, **fields)
                added += 1
        return added

    def _delete(self, centre_ids: list[int]) -> None:
        statements = [
            "DELETE FROM kiosk_kioskevent WHERE centre_id = ANY(%s)",
            "DELETE FROM kiosk_surveyanswer WHERE centre_id = ANY(%s)",
            "DELETE FROM kiosk_assistedprocedure WHERE centre_id = ANY(%s)",
            "DELETE FROM kiosk_helpsheet WHERE centre_id = ANY(%s)",
            "DELETE FROM kiosk_tile WHERE centre_id = ANY(%s)",
            "DELETE FROM kiosk_kiosk WHERE centre_id = ANY(%s)",
        ]
        with transaction.atomic(), connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement, [centre_ids])
        self.stdout.write(f"Bornes du réseau de benchmark supprimées ({len(centre_ids)} centres).")

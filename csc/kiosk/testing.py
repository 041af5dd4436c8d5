"""The kiosk's objects in the foreign centre of the tenancy walker (csc.testing.tenancy), declared in
csc/kiosk/module.py. Imported by tests only."""

from __future__ import annotations

from django.db import models

from csc.testing.tenancy import SECRET_LAST_NAME, ForeignWorld

from .models import AssistedProcedure, HelpSheet, Kiosk, Procedure, Theme, Tile


def plant_foreign(world: ForeignWorld) -> dict[str, models.Model]:
    """Centre B's kiosk with a hidden local link (its public page never shows it), a help sheet kept to
    the centre, and a help recorded at its reception for a person who agreed."""
    centre_b = world.centre
    theme, _ = Theme.objects.get_or_create(slug="local", defaults={"label": "Ma ville et mon centre"})
    procedure, _ = Procedure.objects.get_or_create(
        slug="caf", defaults={"theme": theme, "title": "CAF", "url": "https://www.caf.fr"}
    )
    # The welcome text is public: it holds no marker, but must not change.
    Kiosk.objects.create(centre=centre_b, welcome_text="Bienvenue au centre B")
    tile = Tile.objects.create(
        centre=centre_b,
        theme=theme,
        title=f"Lien {SECRET_LAST_NAME}",
        url="https://example.org/secret",
        is_hidden=True,
    )
    sheet = HelpSheet.objects.create(
        centre=centre_b, procedure=procedure, title=f"Fiche {SECRET_LAST_NAME}", is_shared=False
    )
    record = AssistedProcedure.objects.create(
        centre=centre_b,
        organisation="caf",
        kind="compte",
        autonomy="with",
        duration="0-10",
        person=world.person,
        consent=True,
    )
    return {"tile_id": tile, "help_sheet_id": sheet, "record_id": record}


def snapshot(world: ForeignWorld) -> dict:
    centre = world.centre
    return {
        "kiosk": list(Kiosk.objects.filter(centre=centre).values_list("welcome_text", "idle_minutes")),
        "kiosk_tiles": list(
            Tile.objects.filter(centre=centre)
            .values_list("pk", "title", "url", "position", "is_hidden")
            .order_by("pk")
        ),
        "help_sheets": list(
            HelpSheet.objects.filter(centre=centre).values_list("pk", "title", "is_shared").order_by("pk")
        ),
        "assisted": AssistedProcedure.objects.filter(centre=centre).count(),
    }

"""The directory's objects for the tenancy walker (csc.testing.tenancy), declared in
csc/directory/module.py. Imported by tests only."""

from __future__ import annotations

from datetime import time

from django.db import models

from csc.core.models import StaffRole
from csc.testing import factories
from csc.testing.tenancy import SECRET_LAST_NAME, ForeignWorld

from . import corrections, services
from .models import Correction, Structure


def plant_foreign(world: ForeignWorld) -> dict[str, models.Model]:
    """Centre B's own entry, which feeds its kiosk: read by every centre of the network (so it holds no
    marker), changed and withdrawn by centre B only. And a correction another centre of the network
    proposed to it, whose message (a marker) only centre B's keepers and the proposing centre read."""
    entry = services.entry_of_centre(world.centre)
    entry.phone = "+33320000000"
    entry.hours = services.check_week([[(time(9), time(12))]] * 5 + [[], []])
    entry.save()
    proposing = factories.CentreFactory(name="Centre Delta", territory=world.centre.territory)
    proposer = factories.UserFactory()
    StaffRole.objects.create(user=proposer, centre=proposing, role="reception")
    proposed = Structure.objects.get(pk=entry.pk)
    proposed.phone = "+33899000000"
    correction = corrections.propose(
        entry,
        proposed,
        categories=[],
        week=[services.intervals_on(entry, day) for day in range(7)],
        comment=f"Vu sur la porte par M. {SECRET_LAST_NAME}",
        centre=proposing,
        user=proposer,
    )
    return {"structure_id": entry, "correction_id": correction}


def snapshot(world: ForeignWorld) -> dict:
    """What an intruder must not change: centre B's entry with its services, and the corrections
    proposed to it (none accepted or refused by the intruder)."""
    entry = Structure.objects.filter(centre=world.centre).first()
    return {
        "directory_entry_categories": sorted(entry.categories.values_list("pk", flat=True)) if entry else [],
        "directory_corrections": list(
            Correction.objects.filter(structure__centre=world.centre)
            .values_list("pk", "status", "reason", "decided_by")
            .order_by("pk")
        ),
    }

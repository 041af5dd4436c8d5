"""The directory's object for the tenancy walker (csc.testing.tenancy), declared in
csc/directory/module.py. Imported by tests only."""

from __future__ import annotations

from django.db import models

from csc.testing import factories
from csc.testing.tenancy import SECRET_EMAIL, SECRET_LAST_NAME, ForeignWorld

from .models import Structure


def plant_foreign(world: ForeignWorld) -> dict[str, models.Model]:
    """The directory is shared by the centres of a federation: the foreign entry is another network's."""
    other_network = factories.CentreFactory(
        territory=factories.TerritoryFactory(
            federation=factories.FederationFactory(slug="autre-reseau", name="Autre réseau")
        )
    )
    structure = Structure.objects.create(
        federation_id=other_network.territory.federation_id,
        kept_by=other_network,
        name=f"Permanence {SECRET_LAST_NAME}",
        city="Arras",
        email=SECRET_EMAIL,
    )
    return {"structure_id": structure}

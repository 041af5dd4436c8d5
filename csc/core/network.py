"""Loads the real network (federation, territories, centres, sites) from `network.json`."""

import json
from decimal import Decimal
from pathlib import Path

from django.db import transaction

from .models import Centre, Federation, Site, Territory


@transaction.atomic
def load_network(path: Path) -> dict[str, int]:
    """Create or update every organisation of the file, keyed by slug. Running it twice changes nothing."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    federations = {}
    for item in data["federations"]:
        federations[item["slug"]], _ = Federation.objects.update_or_create(
            slug=item["slug"],
            defaults={k: item.get(k, "") for k in ("name", "address", "postcode", "city", "phone")},
        )
    territories = {}
    for item in data["territories"]:
        territories[item["slug"]], _ = Territory.objects.update_or_create(
            slug=item["slug"], defaults={"name": item["name"], "federation": federations[item["federation"]]}
        )
    centres = {}
    for item in data["centres"]:
        centre, _ = Centre.objects.update_or_create(
            slug=item["slug"],
            defaults={
                "territory": territories[item["territory"]],
                "name": item["name"],
                "address": item.get("address", ""),
                "postcode": item.get("postcode", ""),
                "city": item.get("city", ""),
                "phone": item.get("phone", ""),
                "website": item.get("website", ""),
                "latitude": Decimal(str(item["lat"])) if item.get("lat") is not None else None,
                "longitude": Decimal(str(item["lon"])) if item.get("lon") is not None else None,
                "in_qpv": bool(item.get("qpv")),
            },
        )
        centres[item["slug"]] = centre
        sites = item.get("sites") or [
            {k: item.get(k, "") for k in ("address", "postcode", "city", "phone")} | {"name": item["name"]}
        ]
        for index, site in enumerate(sites):
            Site.objects.update_or_create(
                centre=centre,
                name=site["name"],
                defaults={
                    "kind": Site.Kind.MAIN if index == 0 else Site.Kind.NEIGHBOURHOOD_HOUSE,
                    **{k: site.get(k, "") for k in ("address", "postcode", "city", "phone")},
                },
            )
    for item in data.get("other_sites", []):
        Site.objects.update_or_create(
            centre=centres[item["centre"]],
            name=item["name"],
            defaults={"kind": item.get("kind", Site.Kind.ANNEX)},
        )
    for item in data["territories"]:
        if item.get("coordinating_centre"):
            Territory.objects.filter(slug=item["slug"]).update(
                coordinating_centre=centres[item["coordinating_centre"]]
            )
    return {"federations": len(federations), "territories": len(territories), "centres": len(centres)}

"""The network's catalogue of online public services, loaded from procedures.json, and the tiles a new
kiosk starts with."""

from __future__ import annotations

import json
from pathlib import Path

from django.conf import settings
from django.db import transaction

from .models import Procedure, Theme, Tile

# A new kiosk shows every national service; of the services tied to a place (a préfecture, a town
# hall), only those of its own département and commune.
PREFECTURE_OF_DEPARTMENT = {"59": "prefecture-nord", "62": "prefecture-pas-de-calais"}


@transaction.atomic
def load_procedures(path: Path | None = None) -> dict[str, int]:
    """Create or update the themes and procedures of the file, keyed by slug; retire those gone from
    it. Running it twice changes nothing."""
    data = json.loads(Path(path or settings.CSC_PROCEDURES_FILE).read_text(encoding="utf-8"))
    themes = {}
    for position, item in enumerate(data["themes"]):
        themes[item["slug"]], _ = Theme.objects.update_or_create(
            slug=item["slug"], defaults={"label": item["label"], "position": position}
        )
    slugs = []
    for position, item in enumerate(data["procedures"]):
        Procedure.objects.update_or_create(
            slug=item["slug"],
            defaults={
                "theme": themes[item["theme"]],
                "title": item["title"],
                "url": item["url"],
                "keywords": [str(word) for word in item.get("keywords", [])],
                "position": position,
                "is_active": True,
            },
        )
        slugs.append(item["slug"])
    retired = Procedure.objects.exclude(slug__in=slugs).update(is_active=False)
    return {"themes": len(themes), "procedures": len(slugs), "retired": retired}


def is_local_to(procedure: Procedure, centre) -> bool:
    """A préfecture or a town hall belongs to some centres only."""
    if procedure.slug.startswith("prefecture-"):
        return PREFECTURE_OF_DEPARTMENT.get((centre.postcode or "")[:2]) == procedure.slug
    if procedure.slug.startswith("ville-"):
        city = (centre.city or "").casefold().replace(" ", "-")
        return bool(city) and procedure.slug.endswith(city)
    return True


def starting_tiles(centre) -> list[Tile]:
    """The tiles of a kiosk opened for the first time, in the catalogue's order (not saved)."""
    procedures = Procedure.objects.filter(is_active=True).select_related("theme")
    chosen = [p for p in procedures if is_local_to(p, centre)]
    return [
        Tile(centre=centre, procedure=p, theme=p.theme, position=index)
        for index, p in enumerate(chosen, start=1)
    ]

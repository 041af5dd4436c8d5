"""The network's catalogue of online public services, loaded from procedures.json, and the tiles a new
kiosk starts with."""

from __future__ import annotations

import json
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models import Max

from .models import Kiosk, Procedure, Theme, Tile

# A new kiosk shows every national service; of the services tied to a place (a préfecture, a town
# hall), only those of its own département and commune.
PREFECTURE_OF_DEPARTMENT = {"59": "prefecture-nord", "62": "prefecture-pas-de-calais"}


# The project's own additions to the catalogue: csc/core/data/procedures.json is reference data copied
# as given from the network (its source and date are in its « _about »), so it is never edited here —
# a new copy would silently drop our changes. The words residents type that the file lacks (« chômage »,
# « mutuelle », found among the kiosks' searches without result) and the national services it does not
# hold (MDPH, ANTAI, scholarships) live in this file of ours, loaded with it.
ADDITIONS_FILE = Path(__file__).with_name("catalogue_additions.json")


def _with_additions(data: dict) -> dict:
    additions = json.loads(ADDITIONS_FILE.read_text(encoding="utf-8"))
    procedures = [dict(item) for item in data["procedures"]]
    slugs = {item["slug"] for item in procedures}
    themes = {item["slug"] for item in data["themes"]}
    for item in procedures:
        own = list(item.get("keywords", []))
        item["keywords"] = own + [w for w in additions["keywords"].get(item["slug"], []) if w not in own]
    procedures += [
        item for item in additions["procedures"] if item["slug"] not in slugs and item["theme"] in themes
    ]
    return {"themes": data["themes"], "procedures": procedures}


@transaction.atomic
def load_procedures(path: Path | None = None) -> dict[str, int]:
    """Create or update the themes and procedures of the file and of the project's additions, keyed by
    slug; retire those gone from them. A procedure new to the catalogue is added at the end of every
    kiosk already open where it belongs (a new kiosk starts with all of them): a resident typing
    « amende » must not wait for the referent to find the new tile. Running it twice changes nothing."""
    from .services import touch  # services imports this module

    data = json.loads(Path(path or settings.CSC_PROCEDURES_FILE).read_text(encoding="utf-8"))
    data = _with_additions(data)
    themes = {}
    for position, item in enumerate(data["themes"]):
        themes[item["slug"]], _ = Theme.objects.update_or_create(
            slug=item["slug"], defaults={"label": item["label"], "position": position}
        )
    slugs = []
    new = []
    for position, item in enumerate(data["procedures"]):
        procedure, created = Procedure.objects.update_or_create(
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
        if created:
            new.append(procedure)
    retired = Procedure.objects.exclude(slug__in=slugs).update(is_active=False)
    if new:
        for kiosk in Kiosk.objects.select_related("centre"):
            _add_to_open_kiosk(kiosk.centre, [p for p in new if is_local_to(p, kiosk.centre)])
    # Every kiosk reads the procedures' words from its cached state: the new words count at once.
    for centre_id in Kiosk.objects.values_list("centre_id", flat=True):
        touch(centre_id)
    return {"themes": len(themes), "procedures": len(slugs), "retired": retired}


def _add_to_open_kiosk(centre, procedures: list[Procedure]) -> None:
    last = Tile.objects.filter(centre=centre).aggregate(last=Max("position"))["last"] or 0
    present = set(
        Tile.objects.filter(centre=centre, procedure__in=procedures).values_list("procedure_id", flat=True)
    )
    missing = [p for p in procedures if p.pk not in present]
    for index, procedure in enumerate(missing, start=1):
        Tile.objects.create(centre=centre, procedure=procedure, theme=procedure.theme, position=last + index)


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

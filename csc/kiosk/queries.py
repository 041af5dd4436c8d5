"""Reads of the kiosk: its tiles grouped by theme, the places that help nearby, the help sheets a
centre may read."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import urlsplit

from django.db.models import Q

from csc.directory import services as directory
from csc.directory.models import Structure

from .models import HelpSheet, Procedure, Tile

# The directory's services that make a place worth showing to a resident stuck with a procedure.
HELP_CATEGORIES = ("demarches-en-ligne", "acces-aux-droits", "ordinateur-libre", "ateliers-numeriques")
NEARBY_SHOWN = 8


def visible_tiles(centre_id: int) -> list[Tile]:
    return list(
        Tile.objects.filter(centre_id=centre_id, is_hidden=False)
        .filter(Q(procedure__isnull=True) | Q(procedure__is_active=True))
        .select_related("procedure", "theme")
        .order_by("theme__position", "position", "id")
    )


def domain(url: str) -> str:
    """« ameli.fr » for https://www.ameli.fr/assure: what the resident will see in the address bar."""
    host = urlsplit(url).hostname or ""
    return host.removeprefix("www.")


@dataclass
class Section:
    slug: str
    label: str
    tiles: list[Tile] = field(default_factory=list)


def sections(tiles: list[Tile]) -> list[Section]:
    """The tiles grouped by theme, in the catalogue's order of themes and the kiosk's order of tiles."""
    grouped: dict[int, Section] = {}
    for tile in tiles:
        section = grouped.get(tile.theme_id)
        if section is None:
            section = grouped[tile.theme_id] = Section(tile.theme.slug, tile.theme.label)
        section.tiles.append(tile)
    return list(grouped.values())


def procedures_with_sheet(centre) -> set[int]:
    """The procedures for which the kiosk has a help sheet to show (own or shared in the network)."""
    return set(
        HelpSheet.objects.filter(centre__territory__federation_id=centre.territory.federation_id)
        .filter(Q(centre=centre) | Q(is_shared=True))
        .values_list("procedure_id", flat=True)
        .distinct()
    )


@dataclass
class Place:
    structure: Structure
    distance: str
    today: str
    phone: str


def places_nearby(centre, moment: datetime) -> list[Place]:
    """The federation's places that help with online procedures, nearest to the centre first, the
    centre itself left out (its reception is shown above them)."""
    structures = (
        Structure.objects.of_federation(centre.territory.federation_id)
        .listed()
        .filter(categories__slug__in=HELP_CATEGORIES)
        .exclude(centre=centre)
        .distinct()
    )
    nearby = directory.nearest_first(structures, centre.latitude, centre.longitude)[:NEARBY_SHOWN]
    return [
        Place(n.structure, n.distance, directory.today_label(n.structure, moment), n.structure.phone)
        for n in nearby
    ]


def tile_of_procedure(centre_id: int, slug: str) -> Tile | None:
    return (
        Tile.objects.filter(
            centre_id=centre_id, is_hidden=False, procedure__slug=slug, procedure__is_active=True
        )
        .select_related("procedure", "theme")
        .first()
    )


def catalogue_not_on(centre_id: int) -> list[Procedure]:
    """The catalogue's procedures a kiosk does not show (absent or hidden): what the referent may add."""
    shown = Tile.objects.filter(centre_id=centre_id, is_hidden=False, procedure__isnull=False)
    return list(
        Procedure.objects.filter(is_active=True)
        .exclude(pk__in=shown.values("procedure_id"))
        .select_related("theme")
        .order_by("theme__position", "position")
    )

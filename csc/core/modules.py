"""The tiles of the staff home and of the navigation, for a user in a centre.

Each app declares its tiles in its `module.py` (csc.core.registry); this module only picks those whose
capability the user holds in the current centre, and groups them by theme.
"""

from dataclasses import dataclass

from . import registry
from .tenancy import has_capability


@dataclass(frozen=True)
class Entry:
    """A tile as one user sees it: its sub-links cut down to those the user may open."""

    title: str
    description: str
    url_name: str
    theme: str
    links: tuple[registry.SubLink, ...]


@dataclass(frozen=True)
class Group:
    theme: str
    entries: list[Entry]


def modules_for(user, centre) -> list[Entry]:
    if centre is None:
        return []
    return [
        Entry(
            tile.title,
            tile.description,
            tile.url_name,
            tile.theme,
            tuple(link for link in tile.links if has_capability(user, link.capability, centre)),
        )
        for tile in registry.tiles()
        if has_capability(user, tile.capability, centre)
    ]


def groups_for(user, centre) -> list[Group]:
    """The user's tiles under their theme headings, in the registry's order (tiles are sorted by theme)."""
    groups: list[Group] = []
    for entry in modules_for(user, centre):
        if not groups or groups[-1].theme != entry.theme:
            groups.append(Group(entry.theme, []))
        groups[-1].entries.append(entry)
    return groups


def waiting_for(user, centre) -> list[registry.Waiting]:
    """What waits for the user in the centre, from each module's hook; nothing counted is left out."""
    if centre is None:
        return []
    return [item for hook in registry.waiting_hooks() for item in hook(user, centre) if item.count]

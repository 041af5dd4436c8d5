"""The sheets beside the grid, ready to be placed: my favourites, my centre's, a search's results."""

from __future__ import annotations

from dataclasses import dataclass

from ..models import ActivitySheet, Planning

TRAY_SIZE = 20
TRAY_FIELDS = (
    "id",
    "title",
    "kind",
    "min_age",
    "max_age",
    "status",
    "visibility",
    "centre_id",
    "duration_minutes",
    "updated_at",
    "centre__id",
    "centre__name",
)


@dataclass
class TrayItem:
    """A sheet of the tray, with what its line says ready-made (the tray lists up to sixty)."""

    id: int
    title: str
    meta: str  # ages · kind · draft · another centre's
    other_centre: str  # the centre's name when the sheet comes from another centre
    detail_url: str = ""  # filled in by the page
    place_url: str = ""

    @classmethod
    def of(cls, sheet: ActivitySheet, centre_id: int) -> TrayItem:
        other = sheet.centre.name if sheet.centre_id != centre_id else ""
        parts = [sheet.age_label or "tous âges"]
        if sheet.kind:
            parts.append(sheet.kind_label)
        if sheet.status == ActivitySheet.Status.DRAFT:
            parts.append("brouillon")
        if other:
            parts.append(f"fiche de {other}")
        return cls(id=sheet.pk, title=sheet.title, meta=" · ".join(parts), other_centre=other)


@dataclass
class Tray:
    favourites: list[TrayItem]
    centre_sheets: list[TrayItem]
    results: list[TrayItem] | None

    def items(self):
        yield from self.favourites
        yield from self.centre_sheets
        yield from self.results or ()

    @property
    def sections(self) -> list[TraySection]:
        """The tray's lists in the order shown: a search's results first, when there was one."""
        sections = [] if self.results is None else [TraySection("results", "Résultats", self.results)]
        return sections + [
            TraySection("favourites", "Mes favorites", self.favourites),
            TraySection("centre", "Fiches du centre", self.centre_sheets),
        ]


@dataclass
class TraySection:
    key: str
    title: str
    items: list[TrayItem]


def tray(planning: Planning, user, filters=None) -> Tray:
    """The sheets beside the grid: my favourites, my centre's published sheets, and the results of a
    search over every sheet my centre may read. Two or three queries."""
    from ..search import filter_sheets

    readable = ActivitySheet.objects.readable_in(planning.centre_id)

    def first_items(sheets) -> list[TrayItem]:
        sheets = sheets.select_related("centre").only(*TRAY_FIELDS)[:TRAY_SIZE]
        return [TrayItem.of(sheet, planning.centre_id) for sheet in sheets]

    favourites = first_items(readable.filter(favourites__user_id=user.pk).order_by("title", "id"))
    centre_sheets = first_items(
        ActivitySheet.objects.filter(
            centre_id=planning.centre_id, status=ActivitySheet.Status.PUBLISHED
        ).order_by("-updated_at", "-id")
    )
    results = None
    if filters is not None:
        results = first_items(filter_sheets(readable, filters))
    return Tray(favourites=favourites, centre_sheets=centre_sheets, results=results)

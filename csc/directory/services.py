"""The rules of the directory: opening hours, distances, who may change an entry (its owner), and the changes.

Opening hours are stored per weekday as a list of intervals, `[["09:00", "12:00"], ["14:00", "17:30"]]`
(Monday first, seven lists). Most places open in the morning and the afternoon: two intervals a day
are offered, and a third is refused rather than silently dropped.
"""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from urllib.parse import urlencode, urlsplit

from django.core.exceptions import ValidationError
from django.db import transaction

from csc.core.text import normalize
from csc.core.validators import normalize_phone

from .models import ServiceCategory, Structure

WEEKDAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
MAX_INTERVALS = 2


class DirectoryRefused(Exception):
    """A change the directory refuses, with the French sentence to show."""


# --- Opening hours ------------------------------------------------------------------------------------

Interval = tuple[time, time]


def check_week(week: list[list[Interval]]) -> list[list[list[str]]]:
    """Seven days of intervals -> what the model stores. Each interval must close after it opens and
    after the previous one closed."""
    if len(week) != 7:
        raise DirectoryRefused("Les horaires comptent sept jours, du lundi au dimanche.")
    stored = []
    for weekday, intervals in enumerate(week):
        if len(intervals) > MAX_INTERVALS:
            raise DirectoryRefused(f"Le {WEEKDAYS[weekday]}, deux plages horaires au plus.")
        previous_end = None
        day = []
        for opens, closes in intervals:
            if closes <= opens:
                raise DirectoryRefused(
                    f"Le {WEEKDAYS[weekday]}, l'heure de fermeture ({hour_label(closes)}) doit venir après "
                    f"celle d'ouverture ({hour_label(opens)})."
                )
            if previous_end is not None and opens < previous_end:
                raise DirectoryRefused(
                    f"Le {WEEKDAYS[weekday]}, la deuxième plage commence avant la fin de la première."
                )
            previous_end = closes
            day.append([opens.strftime("%H:%M"), closes.strftime("%H:%M")])
        stored.append(day)
    return stored


def intervals_on(structure: Structure, weekday: int) -> list[Interval]:
    """The intervals of a weekday; an entry with no hours (or hours in another shape) has none."""
    week = structure.hours or []
    if not isinstance(week, list) or weekday >= len(week):
        return []
    result = []
    for pair in week[weekday] or []:
        try:
            result.append((time.fromisoformat(pair[0]), time.fromisoformat(pair[1])))
        except (TypeError, ValueError, IndexError):
            continue
    return result


def hour_label(value: time) -> str:
    """9 h, 13 h 30: how a French notice writes an hour."""
    return f"{value.hour} h" if value.minute == 0 else f"{value.hour} h {value.minute:02d}"


def day_hours_label(intervals: list[Interval]) -> str:
    if not intervals:
        return "fermé"
    return ", ".join(f"{hour_label(a)} – {hour_label(b)}" for a, b in intervals)


@dataclass(frozen=True)
class DayHours:
    weekday: int
    name: str
    label: str
    is_today: bool


def week_hours(structure: Structure, today: date | None = None) -> list[DayHours]:
    today_weekday = today.weekday() if today else None
    return [
        DayHours(d, WEEKDAYS[d], day_hours_label(intervals_on(structure, d)), d == today_weekday)
        for d in range(7)
    ]


def has_hours(structure: Structure) -> bool:
    return any(intervals_on(structure, d) for d in range(7))


def is_open_at(structure: Structure, moment: datetime) -> bool:
    now = moment.time()
    return any(opens <= now < closes for opens, closes in intervals_on(structure, moment.weekday()))


def today_label(structure: Structure, moment: datetime) -> str:
    """« Ouvert maintenant, jusqu'à 12 h », « Ouvre à 14 h », « Fermé aujourd'hui »…"""
    now = moment.time()
    intervals = intervals_on(structure, moment.weekday())
    if not intervals:
        return "Fermé aujourd'hui"
    for opens, closes in intervals:
        if opens <= now < closes:
            return f"Ouvert maintenant, jusqu'à {hour_label(closes)}"
        if now < opens:
            return f"Fermé pour l'instant, ouvre à {hour_label(opens)}"
    return "Fermé pour le reste de la journée"


# --- Distances ----------------------------------------------------------------------------------------

EARTH_RADIUS_KM = 6371.0088


def distance_km(lat1, lon1, lat2, lon2) -> float:
    """Great-circle distance (haversine). Enough to sort places of a town by how far they are."""
    phi1, phi2 = math.radians(float(lat1)), math.radians(float(lat2))
    dphi = phi2 - phi1
    dlambda = math.radians(float(lon2) - float(lon1))
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def distance_label(km: float | None) -> str:
    if km is None:
        return ""
    if km < 1:
        return f"à {max(50, round(km * 1000, -1)):.0f} m"
    return f"à {km:.1f} km".replace(".", ",")


@dataclass
class Nearby:
    structure: Structure
    km: float | None

    @property
    def distance(self) -> str:
        return distance_label(self.km)


def nearest_first(structures, latitude: Decimal | None, longitude: Decimal | None) -> list[Nearby]:
    """The structures with their distance from a point, nearest first; those without a position (or
    when the point is unknown) come after, by name."""
    located, elsewhere = [], []
    for structure in structures:
        if latitude is not None and longitude is not None and structure.has_position:
            km = distance_km(latitude, longitude, structure.latitude, structure.longitude)
            located.append(Nearby(structure, km))
        else:
            elsewhere.append(Nearby(structure, None))
    located.sort(key=lambda n: (n.km, n.structure.name.casefold()))
    elsewhere.sort(key=lambda n: n.structure.name.casefold())
    return located + elsewhere


# --- Finding ----------------------------------------------------------------------------------------


def matching(structures, text: str) -> list[Structure]:
    """The entries holding every word typed, in their name, kind, services, commune, postcode or
    description, accents and capitals ignored. In Python: a federation's directory is a few hundred
    entries, already loaded to be sorted by distance."""
    words = normalize(text).split()
    found = []
    for structure in structures:
        haystack = normalize(
            " ".join(
                [
                    structure.name,
                    structure.get_kind_display(),
                    structure.city,
                    structure.postcode,
                    structure.description,
                    *(category.label for category in structure.categories.all()),
                ]
            )
        )
        if all(word in haystack for word in words):
            found.append(structure)
    return found


def querystring(*, text: str, category, withdrawn: bool) -> str:
    """The list's filters, for its page links."""
    params = {"q": text, "service": category.slug if category else "", "retirees": "1" if withdrawn else ""}
    return urlencode({key: value for key, value in params.items() if value})


# --- Links ------------------------------------------------------------------------------------------


def check_website(url: str) -> str:
    """Only https addresses: a resident follows them from a shared computer, and `javascript:` or a
    plain http page has no place on it."""
    url = (url or "").strip()
    if not url:
        return ""
    parts = urlsplit(url)
    if parts.scheme.lower() != "https" or not parts.netloc:
        raise DirectoryRefused("L'adresse du site doit commencer par https:// (connexion sécurisée).")
    return url


# --- What an entry says, comparable and storable ----------------------------------------------------
#
# An edit and a correction both change an entry from what a page showed. Both compare, under the row
# lock, what was shown with the entry as it is: a change made in between is never silently undone.

# The fields of the edit form, which a correction may also change, in the form's order, with the label
# the pages show.
FIELDS = {
    "name": "Nom",
    "kind": "Type de structure",
    "description": "Ce que la structure propose",
    "categories": "Ce qu'on y trouve",
    "address": "Adresse",
    "postcode": "Code postal",
    "city": "Commune",
    "latitude": "Latitude",
    "longitude": "Longitude",
    "phone": "Téléphone",
    "email": "Adresse e-mail",
    "website": "Site internet",
    "hours": "Horaires",
    "hours_note": "À savoir sur les horaires",
}
# The columns an edit writes (categories are a relation, set after).
EDITED = tuple(name for name in FIELDS if name != "categories")
# Not in the form, but the edit page shows whether the entry is withdrawn: a withdrawal while the form
# is open is a change the person saving should hear of.
LISTED = "is_active"


def _coordinate(value) -> str | None:
    return None if value is None else f"{Decimal(value):.5f}"


def entry_values(structure: Structure, *, categories=None, hours=None) -> dict:
    """The entry's fields as JSON values that compare equal when they say the same thing (coordinates
    to 5 decimals, categories as sorted slugs). `categories` and `hours` override the entry's own (the
    form's values, before they are saved)."""
    if categories is None:
        categories = structure.categories.all()
    computed = ("categories", "latitude", "longitude", "hours")
    values = {name: getattr(structure, name) or "" for name in FIELDS if name not in computed}
    values["categories"] = sorted(category.slug for category in categories)
    values["latitude"] = _coordinate(structure.latitude)
    values["longitude"] = _coordinate(structure.longitude)
    values["hours"] = hours if hours is not None else stored_week(structure)
    return values


def edit_values(structure: Structure) -> dict:
    """What the edit page shows of an entry: its fields, and whether it is listed."""
    return entry_values(structure) | {LISTED: structure.is_active}


def stored_week(structure: Structure) -> list[list[list[str]]]:
    """The entry's hours as check_week stores them, seven days always: an entry never given hours
    (`[]`) says the same as seven closed days."""
    return [
        [
            [opens.strftime("%H:%M"), closes.strftime("%H:%M")]
            for opens, closes in intervals_on(structure, day)
        ]
        for day in range(7)
    ]


def fingerprint(structure: Structure, fields) -> str:
    """What the owner saw of these fields of the entry: sent back by the review page, so that an
    acceptance applies only over the values the owner has seen."""
    values = entry_values(structure)
    seen = json.dumps({name: values[name] for name in sorted(fields)}, sort_keys=True, default=str)
    return hashlib.sha256(seen.encode()).hexdigest()[:32]


def moved_since(seen: dict, structure: Structure) -> list[str]:
    """The fields of `seen` ({field: value as edit_values writes it}, what a page showed) whose value the
    entry no longer has, in the form's order (a JSON object read back from PostgreSQL keeps none)."""
    now = edit_values(structure)
    return [name for name in (*FIELDS, LISTED) if name in seen and seen[name] != now[name]]


# --- Who changes an entry --------------------------------------------------------------------------
#
# The directory is read by every centre of a federation, but an entry is changed or withdrawn only by
# its owner (`Structure.owner_id`): a centre's own entry feeds its public kiosk (« Fermé aujourd'hui »,
# its phone), and another centre's reception once changed them. An entry no centre owns belongs to
# the network: the federation's staff keep it. Everybody else proposes a correction
# (csc/directory/corrections.py). The checks are here, in the services, whatever page or tool calls
# them; the pages only hide the buttons.


class NotKeeper(DirectoryRefused):
    """A change refused because another centre (or the federation) owns the entry: the page answers
    403 with this sentence and the way to propose a correction instead."""


def may_keep(structure: Structure, user, centre) -> bool:
    """Whether `user`, working in `centre`, may change or withdraw the entry and examine the
    corrections proposed to it."""
    from csc.core.tenancy import has_capability

    from .capabilities import DIRECTORY_EDIT, DIRECTORY_NETWORK

    if centre is None or structure.federation_id != centre.territory.federation_id:
        return False
    owner_id = structure.owner_id
    if owner_id is None:
        return has_capability(user, DIRECTORY_NETWORK, centre)
    return owner_id == centre.pk and has_capability(user, DIRECTORY_EDIT, centre)


def keeps_entries(user, centre) -> bool:
    """Whether the user keeps some entries in `centre`: their centre's, or as the federation's staff
    the network's common ones. Who keeps none only reads the directory (and may propose)."""
    from csc.core.tenancy import has_capability

    from .capabilities import DIRECTORY_EDIT, DIRECTORY_NETWORK

    return has_capability(user, DIRECTORY_EDIT, centre) or has_capability(user, DIRECTORY_NETWORK, centre)


def keeper_label(structure: Structure) -> str:
    """Who keeps the entry, as the pages say it."""
    owner = structure.owner
    return owner.name if owner is not None else "la fédération (fiche commune du réseau)"


def check_keeper(structure: Structure, user, centre) -> None:
    """Refuse (NotKeeper, in French) any change of an entry by whom does not keep it."""
    if centre is None or structure.federation_id != centre.territory.federation_id:
        raise NotKeeper("Cette structure appartient à l'annuaire d'un autre réseau.")
    if may_keep(structure, user, centre):
        return
    if structure.owner_id is None:
        raise NotKeeper(
            f"« {structure.name} » est une fiche commune du réseau : seule la fédération la modifie ou "
            "la retire. Vous pouvez lui proposer une correction."
        )
    raise NotKeeper(
        f"« {structure.name} » est tenue par {keeper_label(structure)} : seule son équipe la modifie ou "
        "la retire. Vous pouvez lui proposer une correction."
    )


def locked(structure_id: int) -> Structure:
    """The entry read again under a row lock, with its owner: every change checks the owner and the
    values on the row as it is, not as a page loaded it."""
    return (
        Structure.objects.select_for_update(of=("self",))
        .select_related("centre", "kept_by")
        .get(pk=structure_id)
    )


class EntryChanged(DirectoryRefused):
    """The entry changed since the edit form was opened (a correction accepted, a colleague's edit, a
    withdrawal): saving the form would silently undo that change. `fields` are those that moved,
    `current` the entry as it is now."""

    def __init__(self, message: str, *, fields: list[str], current: Structure):
        super().__init__(message)
        self.fields = fields
        self.current = current


@transaction.atomic
def save_structure(
    structure: Structure,
    *,
    centre,
    user,
    categories: list[ServiceCategory],
    week: list[list[Interval]],
    seen: dict | None = None,
) -> Structure:
    """Create or change an entry from the staff page: the fields already cleaned by the form, the
    categories and the week of opening hours checked here. A new entry is owned by the centre that adds
    it; an existing one is changed only by its keeper (check_keeper).

    An existing entry is changed only in the fields the form holds, copied onto the row read under the
    lock: what the form does not hold (withdrawn or not, the owner) is never taken from the form's
    instance, loaded before. `seen` is what the form showed (edit_values): if the entry has changed
    since, nothing is saved (EntryChanged), so that no newer change is silently undone."""
    if structure.pk is None:
        entry = structure
        entry.federation_id = centre.territory.federation_id
        entry.kept_by = centre
        entry.centre = None
    else:
        entry = locked(structure.pk)
        check_keeper(entry, user, centre)
    website = check_website(structure.website)
    hours = check_week(week)
    if entry is not structure:
        moved = moved_since(seen, entry) if seen is not None else []
        if moved:
            raise EntryChanged(
                "La fiche a changé pendant que vous la modifiiez : rien n'a été enregistré.",
                fields=moved,
                current=entry,
            )
        for name in EDITED:
            setattr(entry, name, getattr(structure, name))
    entry.website = website
    entry.hours = hours
    entry.updated_by = user
    entry.save()
    entry.categories.set(categories)
    return entry


@transaction.atomic
def set_listed(structure: Structure, *, listed: bool, centre, user) -> None:
    """Take an entry out of the lists (closed, moved away), or bring it back: its keeper only. Nothing
    is deleted, and the journal keeps every change (the model is `@audited`)."""
    check_keeper(locked(structure.pk), user, centre)
    structure.is_active = listed
    structure.updated_by = user
    structure.save(update_fields=["is_active", "updated_by", "updated_at"])


@transaction.atomic
def entry_of_centre(centre, *, user=None) -> Structure:
    """The centre's own entry, whose hours are the reception's: created from the centre's address the
    first time a module needs it (the kiosk's settings, for one)."""
    entry = Structure.objects.filter(centre=centre).first()
    if entry is not None:
        return entry
    entry = Structure.objects.create(
        federation_id=centre.territory.federation_id,
        centre=centre,
        kept_by=centre,
        name=centre.name,
        kind=Structure.Kind.SOCIAL_CENTRE,
        address=centre.address,
        postcode=(centre.postcode or "")[:5],
        city=centre.city or "—",
        latitude=round(centre.latitude, 5) if centre.latitude is not None else None,
        longitude=round(centre.longitude, 5) if centre.longitude is not None else None,
        phone=phone_or_blank(centre.phone),
        email=centre.email,
        website=centre.website if centre.website.startswith("https://") else "",
        updated_by=user,
    )
    return entry


def phone_or_blank(phone: str) -> str:
    """A number in E.164, or nothing when it is not one (a centre's phone from an old file)."""
    try:
        return normalize_phone(phone)
    except ValidationError:
        return ""

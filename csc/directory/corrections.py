"""Corrections: how a centre that does not own an entry of the directory gets it changed.

A centre proposes the entry as it should be (the edit form, filled with the entry as it is now). What
differs is stored field by field with the value seen when proposing (`old`) and the value proposed
(`new`). The owner — the centre the entry belongs to, or the federation for an entry no centre owns —
accepts or refuses, with a reason the proposing centre reads.

Accepting applies only the fields the proposal changes, in one transaction, the entry locked. If one of
them has changed since the proposal (another correction accepted, the owner's own edit), the proposal
would silently undo that change: acceptance is refused until the owner has seen the entry as it is now
(`seen`, a fingerprint of those fields that the review page sends back). Two owners accepting two stale
proposals at once therefore never overwrite each other: the second one is asked to review.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from csc.core import audit
from csc.core.tenancy import has_capability
from csc.core.validators import display_phone

from .capabilities import DIRECTORY_EDIT, DIRECTORY_NETWORK, DIRECTORY_PROPOSE
from .models import Correction, ServiceCategory, Structure, owned_by_q
from .services import (
    FIELDS,
    WEEKDAYS,
    DirectoryRefused,
    Interval,
    NotKeeper,
    check_keeper,
    check_website,
    check_week,
    day_hours_label,
    entry_values,
    fingerprint,
    intervals_on,
    locked,
    moved_since,
)

MAX_COMMENT = 1000
MAX_REASON = 500


class CorrectionOutdated(DirectoryRefused):
    """The entry changed since the proposal, on fields it would change: the owner reviews first."""

    def __init__(self, message: str, fields: list[str]):
        super().__init__(message)
        self.fields = fields


def moved_fields(correction: Correction, structure: Structure) -> list[str]:
    """The fields the correction changes whose value is no longer the one seen when proposing."""
    return moved_since({name: change["old"] for name, change in correction.changes.items()}, structure)


# --- Who sees and who decides -----------------------------------------------------------------------


def _examined(user, centre) -> Q:
    """The corrections the user examines in `centre`: those proposed to the entries their centre keeps
    and, for the federation's staff, to the network's common entries."""
    reach = Q(pk__in=[])
    if has_capability(user, DIRECTORY_EDIT, centre):
        reach |= owned_by_q(centre.pk, prefix="structure__")
    if has_capability(user, DIRECTORY_NETWORK, centre):
        reach |= owned_by_q(None, prefix="structure__")
    return reach


def visible_to(user, centre):
    """The corrections the user, working in `centre`, may read: those their centre proposed, and those
    they examine. Anything else is a 404."""
    if centre is None:
        return Correction.objects.none()
    reach = _examined(user, centre)
    if has_capability(user, DIRECTORY_PROPOSE, centre):
        reach |= Q(proposed_by=centre)
    return Correction.objects.filter(reach, structure__federation_id=centre.territory.federation_id)


def to_examine(user, centre):
    """The pending corrections this user examines in `centre` (the owner's side)."""
    if centre is None:
        return Correction.objects.none()
    return Correction.objects.pending().filter(
        _examined(user, centre), structure__federation_id=centre.territory.federation_id
    )


def may_propose(structure: Structure, user, centre) -> bool:
    """A centre proposes corrections to the entries it does not own, in its own network."""
    return (
        centre is not None
        and structure.federation_id == centre.territory.federation_id
        and structure.owner_id != centre.pk
        and has_capability(user, DIRECTORY_PROPOSE, centre)
    )


# --- The changes ------------------------------------------------------------------------------------


@transaction.atomic
def propose(
    structure: Structure,
    proposed: Structure,
    *,
    categories,
    week: list[list[Interval]],
    comment: str,
    centre,
    user,
) -> Correction:
    """Store what `centre` proposes to change in an entry it does not own. `proposed` is the entry as
    the form left it (never saved), `week` the hours typed (checked here like an edit's). A proposal
    that changes nothing is refused; the journal notes it for the proposing centre."""
    if not may_propose(structure, user, centre):
        if structure.owner_id == centre.pk:
            raise DirectoryRefused("Cette fiche est celle de votre centre : modifiez-la directement.")
        raise NotKeeper("Vous ne pouvez pas proposer de correction à cette fiche.")
    proposed.website = check_website(proposed.website)
    before = entry_values(structure)
    after = entry_values(proposed, categories=categories, hours=check_week(week))
    changes = {
        name: {"old": before[name], "new": after[name]} for name in FIELDS if before[name] != after[name]
    }
    if not changes:
        raise DirectoryRefused("Votre proposition ne change rien à la fiche : corrigez au moins un champ.")
    correction = Correction.objects.create(
        structure=structure,
        proposed_by=centre,
        author=user,
        changes=changes,
        comment=(comment or "").strip()[:MAX_COMMENT],
    )
    audit.record(
        "directory.correction_proposed",
        centre=centre,
        obj=correction,
        actor=user,
        detail="champs : " + ", ".join(changes),
    )
    return correction


def _locked(correction: Correction) -> tuple[Correction, Structure]:
    """The correction and its entry, locked in this order by every decision, still pending."""
    correction = Correction.objects.select_for_update().get(pk=correction.pk)
    if correction.status != Correction.Status.PENDING:
        raise DirectoryRefused(
            f"Cette proposition a déjà été {correction.get_status_display().lower()} : rien n'a changé."
        )
    return correction, locked(correction.structure_id)


@transaction.atomic
def accept(correction: Correction, *, centre, user, seen: str = "") -> Structure:
    """Apply the proposed values to the entry, for its keeper only (check_keeper). If the entry has
    changed since the proposal on one of those fields, refuse (CorrectionOutdated) unless `seen` is the
    fingerprint of those fields as they are now: the owner has reviewed them on the page."""
    correction, structure = _locked(correction)
    check_keeper(structure, user, centre)
    moved = moved_fields(correction, structure)
    if moved and seen != fingerprint(structure, correction.changes):
        labels = ", ".join(FIELDS[name].lower() for name in moved)
        raise CorrectionOutdated(
            f"La fiche a changé depuis cette proposition ({labels}). Vérifiez la fiche telle qu'elle est "
            "maintenant, puis acceptez ou refusez la proposition.",
            moved,
        )
    _apply(structure, correction.changes)
    structure.updated_by = user
    structure.save()  # journaled with the fields changed (Structure is @audited)
    if "categories" in correction.changes:
        structure.categories.set(
            ServiceCategory.objects.filter(slug__in=correction.changes["categories"]["new"])
        )
    correction.status = Correction.Status.ACCEPTED
    correction.decided_at = timezone.now()
    correction.decided_by = user
    correction.save(update_fields=["status", "decided_at", "decided_by"])
    audit.record(
        "directory.correction_accepted",
        centre=structure.owner_id,
        obj=correction,
        actor=user,
        detail="champs : " + ", ".join(name for name in FIELDS if name in correction.changes),
    )
    return structure


def _apply(structure: Structure, changes: dict) -> None:
    for name, change in changes.items():
        value = change["new"]
        if name == "categories":
            continue  # a relation: set once the entry is saved
        if name in ("latitude", "longitude"):
            value = None if value is None else Decimal(value)
        elif name == "website":
            value = check_website(value)
        setattr(structure, name, value)


@transaction.atomic
def refuse(correction: Correction, *, centre, user, reason: str) -> Correction:
    """Refuse a proposal, with the reason the proposing centre reads. The entry does not change."""
    reason = " ".join((reason or "").split())[:MAX_REASON]
    if not reason:
        raise DirectoryRefused(
            "Dites en quelques mots pourquoi vous refusez : le centre qui propose le lira."
        )
    correction, structure = _locked(correction)
    check_keeper(structure, user, centre)
    correction.status = Correction.Status.REFUSED
    correction.reason = reason
    correction.decided_at = timezone.now()
    correction.decided_by = user
    correction.save(update_fields=["status", "reason", "decided_at", "decided_by"])
    audit.record("directory.correction_refused", centre=structure.owner_id, obj=correction, actor=user)
    return correction


# --- What the pages show ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Difference:
    """One line of « avant → proposé »; `now` when the entry has changed since the proposal."""

    label: str
    old: str
    new: str
    now: str | None = None


def _shown(name: str, value, categories: dict[str, str]) -> str:
    if value in (None, "", []):
        return "(vide)"
    if name == "kind":
        return dict(Structure.Kind.choices).get(value, value)
    if name == "categories":
        return " · ".join(categories.get(slug, slug) for slug in value)
    if name == "phone":
        return display_phone(value)
    return str(value)


def _day(hours, weekday: int) -> str:
    return day_hours_label(intervals_on(Structure(hours=hours), weekday))


def differences(correction: Correction, structure: Structure | None = None) -> list[Difference]:
    """What the correction changes, field by field (hours day by day), and where the entry has changed
    since the proposal, its value now."""
    now = entry_values(structure) if structure is not None else None
    categories = dict(ServiceCategory.objects.values_list("slug", "label"))
    rows = []
    for name in FIELDS:
        if name not in correction.changes:
            continue
        change = correction.changes[name]
        moved = now is not None and now[name] != change["old"]
        if name == "hours":
            for weekday, day in enumerate(WEEKDAYS):
                old, new = _day(change["old"], weekday), _day(change["new"], weekday)
                current = _day(now["hours"], weekday) if moved else None
                if old != new or (current is not None and current != old):
                    rows.append(
                        Difference(f"Horaires du {day}", old, new, current if current != old else None)
                    )
            continue
        rows.append(
            Difference(
                FIELDS[name],
                _shown(name, change["old"], categories),
                _shown(name, change["new"], categories),
                _shown(name, now[name], categories) if moved else None,
            )
        )
    return rows

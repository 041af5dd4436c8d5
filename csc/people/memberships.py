"""Memberships of a centre for a season: their fee, and the one way to record them.

The online pre-membership (enrolment), the desk and, later, invoicing record memberships through
`record_membership`, so that the fee is always the season's grid applied to the household's quotient.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from csc.core.audit import record
from csc.core.models import Centre
from csc.core.money import Bracket, bracket_index

from .models import Household, Membership, Season


def membership_fee(season: Season, people_count: int, family_quotient: Decimal | None) -> tuple[Decimal, str]:
    """The membership fee of a household for a season, and the label of the bracket applied. A season
    priced per person multiplies the bracket's amount by the household's members (one at least)."""
    fees = list(season.membership_fees.all())
    if not fees:
        return Decimal("0.00"), ""
    fees.sort(key=lambda f: f.lower)
    index = bracket_index([Bracket(f.lower, f.upper) for f in fees], family_quotient)
    fee = fees[index]
    amount = fee.amount
    if season.membership_basis == Season.MembershipBasis.PERSON:
        amount = amount * max(people_count, 1)
    return amount, Bracket(fee.lower, fee.upper).label


@transaction.atomic
def record_membership(
    *, centre: Centre, season: Season, household: Household, people_count: int
) -> Membership:
    """The household's membership of the season at the fee its quotient gives today; a household that is
    already a member keeps one membership, updated to that fee."""
    amount, label = membership_fee(season, people_count, household.family_quotient)
    membership, _ = Membership.objects.in_force().update_or_create(
        season=season,
        household=household,
        defaults={
            "centre": centre,
            "fee": amount,
            "family_quotient": household.family_quotient,
            "bracket_label": label,
        },
    )
    return membership


class MembershipRefused(Exception):
    """A membership reception asked for that the rules do not allow; the message says why."""


@transaction.atomic
def take_membership(*, season: Season, household: Household, by) -> Membership:
    """Reception takes the household's membership of the season at the desk: the season's grid applied
    to the household's quotient and its members, as the online pré-adhésion does. Journaled."""
    if season.centre_id != household.centre_id:
        raise MembershipRefused("Cette saison n'est pas celle du centre du foyer.")
    # The household row is locked: two clicks at once make one membership, the second one refused.
    Household.objects.select_for_update().filter(pk=household.pk).first()
    if Membership.objects.in_force().filter(season=season, household=household).exists():
        raise MembershipRefused(f"Le foyer est déjà adhérent pour la saison {season.name}.")
    membership = record_membership(
        centre=household.centre,
        season=season,
        household=household,
        people_count=household.members.count(),
    )
    record(
        "people.membership_taken",
        centre=household.centre,
        obj=membership,
        detail=f"{season.name} : {membership.fee} €",
        actor=by,
    )
    return membership


@transaction.atomic
def cancel_membership(*, membership: Membership, by, reason: str) -> Membership:
    """Cancel a membership with a reason (kept and journaled); the household may take it again."""
    reason = reason.strip()
    if not reason:
        raise MembershipRefused("Indiquez le motif de l'annulation.")
    membership = Membership.objects.select_for_update().select_related("season").get(pk=membership.pk)
    if membership.is_cancelled:
        raise MembershipRefused("Cette adhésion est déjà annulée.")
    membership.cancelled_at = timezone.now()
    membership.cancel_reason = reason
    membership.cancelled_by = by
    membership.save(update_fields=["cancelled_at", "cancel_reason", "cancelled_by"])
    record(
        "people.membership_cancelled",
        centre=membership.centre_id,
        obj=membership,
        # The reason stays on the membership: the journal takes no free text (it may name someone).
        detail=membership.season.name,
        actor=by,
    )
    return membership

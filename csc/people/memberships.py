"""Memberships of a centre for a season: their fee, and the one way to record them.

The online pre-membership (enrolment), the desk and, later, invoicing record memberships through
`record_membership`, so that the fee is always the season's grid applied to the household's quotient.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction

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
    membership, _ = Membership.objects.update_or_create(
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

"""Euros and family-quotient brackets: the arithmetic every fee grid of CSC shares.

Amounts are `Decimal` euros, never floats, and a figure is rounded to the cent once, when it is final:
the desktop Noethys had a user report "17 × 4,15 = 70,49" from rounding and floats along the way.

A bracket is written as published grids write it, in whole euros, both bounds included: 0–650, 651–840,
841–1 050, 1 051 and more. CAF quotients are whole euros; a quotient given with cents is placed by its
whole-euro part (650,50 falls in 0–650), so a grid without gaps in whole euros has no gap at all.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
NBSP = "\u00a0"
NARROW_NBSP = "\u202f"


def round_cents(amount: Decimal) -> Decimal:
    """Round a final amount to the cent, halves away from zero, as a cashier would."""
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def euros(amount: Decimal | None) -> str:
    """French display of an amount: 1 234,50 €."""
    if amount is None:
        return ""
    sign = "−" if amount < 0 else ""
    whole, _, cents = f"{abs(round_cents(amount)):.2f}".partition(".")
    groups = []
    while whole:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    return sign + NARROW_NBSP.join(groups) + "," + cents + NBSP + "€"


@dataclass(frozen=True)
class Bracket:
    lower: int
    upper: int | None  # None: "and more"

    @property
    def label(self) -> str:
        if self.upper is None:
            return f"{self.lower} € et plus"
        return f"{self.lower} à {self.upper} €"

    def contains(self, whole_euros: int) -> bool:
        return self.lower <= whole_euros and (self.upper is None or whole_euros <= self.upper)


def bracket_errors(brackets: list[Bracket]) -> dict[int, str]:
    """Why a list of brackets is not a valid grid, as {index in the list: message}; empty when valid.

    A valid grid starts at 0, has no gap and no overlap in whole euros, and only its last bracket is open.
    Each message names the bracket by its row number and bounds, so the person fixing it finds it.
    """
    if not brackets:
        return {-1: "Ajoutez au moins une tranche de quotient familial (0 € et plus)."}
    errors: dict[int, str] = {}
    order = sorted(range(len(brackets)), key=lambda i: brackets[i].lower)

    def name(i: int) -> str:
        return f"Tranche {i + 1} ({brackets[i].label})"

    for position, i in enumerate(order):
        bracket = brackets[i]
        if bracket.lower < 0:
            errors[i] = f"{name(i)} : le quotient ne peut pas être négatif."
            continue
        if bracket.upper is not None and bracket.upper < bracket.lower:
            errors[i] = f"{name(i)} : la fin ({bracket.upper} €) est avant le début ({bracket.lower} €)."
            continue
        if position == 0:
            if bracket.lower != 0:
                errors[i] = f"{name(i)} : la première tranche doit commencer à 0 €."
        else:
            previous = brackets[order[position - 1]]
            if previous.upper is None:
                errors[i] = (
                    f"{name(i)} : chevauche la tranche « {previous.label} », qui n'a pas de fin. "
                    "Seule la dernière tranche peut rester ouverte."
                )
            elif bracket.lower <= previous.upper:
                errors[i] = (
                    f"{name(i)} : chevauche la tranche « {previous.label} ». "
                    f"Elle devrait commencer à {previous.upper + 1} €."
                )
            elif bracket.lower > previous.upper + 1:
                errors[i] = (
                    f"{name(i)} : il manque les quotients de {previous.upper + 1} à {bracket.lower - 1} € "
                    f"après la tranche « {previous.label} ». Elle devrait commencer à {previous.upper + 1} €."
                )
        if position == len(order) - 1 and bracket.upper is not None and i not in errors:
            errors[i] = (
                f"{name(i)} : la dernière tranche doit rester ouverte (laissez la fin vide pour "
                f"« {bracket.lower} € et plus »), sinon un quotient au-delà de {bracket.upper} € "
                "n'a pas de tarif."
            )
    return errors


def bracket_index(brackets: list[Bracket], family_quotient: Decimal | None) -> int:
    """Index of the bracket a quotient falls in. No quotient: the highest bracket, as published grids say.

    The brackets must form a valid grid (see `bracket_errors`), sorted by their lower bound.
    """
    if family_quotient is None:
        return len(brackets) - 1
    whole = int(family_quotient.to_integral_value(rounding=ROUND_DOWN))
    for index, bracket in enumerate(brackets):
        if bracket.contains(whole):
            return index
    return len(brackets) - 1

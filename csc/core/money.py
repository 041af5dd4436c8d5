"""Euros and family-quotient brackets: the arithmetic every fee grid of CSC shares.

Amounts are `Decimal` euros, never floats, and a figure is rounded to the cent once, when it is final:
the desktop Noethys had a user report "17 × 4,15 = 70,49" from rounding and floats along the way.

A bracket is written as published grids write it, both bounds included: in whole euros (0–650, 651–840,
841–1 050, 1 051 and more) or with cents (0–308,00, 308,01–450,00). A quotient given with cents in a grid of
whole euros is placed by its whole-euro part (650,50 falls in 0–650), so such a grid has no gap at all.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

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


def _amount_text(value: Decimal) -> str:
    """« 650 » for a whole amount, « 308,01 » with cents: bounds are written as the grid writes them."""
    value = Decimal(value)
    if value == value.to_integral_value():
        return f"{int(value)}"
    return f"{value:.2f}".replace(".", ",")


def _cents_text(value: Decimal) -> str:
    return f"{Decimal(value):.2f}".replace(".", ",")


@dataclass(frozen=True)
class Bracket:
    """A family-quotient bracket, both bounds included, in euros: whole (« 651 à 840 ») or with cents
    (« 308,01 à 450,00 »), as the town publishes it."""

    lower: Decimal
    upper: Decimal | None  # None: "and more"

    def __post_init__(self):
        object.__setattr__(self, "lower", Decimal(self.lower))
        if self.upper is not None:
            object.__setattr__(self, "upper", Decimal(self.upper))

    @property
    def label(self) -> str:
        # A grid with cents shows them on both bounds (« 308,01 à 450,00 € »), as the town wrote it.
        with_cents = not _whole(self.lower) or (self.upper is not None and not _whole(self.upper))
        text = _cents_text if with_cents else _amount_text
        if self.upper is None:
            return f"{text(self.lower)} € et plus"
        return f"{text(self.lower)} à {text(self.upper)} €"

    def contains(self, quotient: Decimal) -> bool:
        return self.lower <= quotient and (self.upper is None or quotient <= self.upper)


def bracket_errors(brackets: list[Bracket]) -> dict[int, str]:
    """Why a list of brackets is not a valid grid, as {index in the list: message}; empty when valid.

    A valid grid starts at 0, has no overlap, and each bracket starts right after the previous one ends:
    one euro later in a grid of whole euros (650 then 651), one cent later in a grid with cents (308,00
    then 308,01). Only the last bracket is open. Each message names the bracket by its row number and
    bounds, so the person fixing it finds it.
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
            errors[i] = (
                f"{name(i)} : la fin ({_amount_text(bracket.upper)} €) est avant le début "
                f"({_amount_text(bracket.lower)} €)."
            )
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
                    f"Elle devrait commencer à {_amount_text(next_lower(previous.upper))} €."
                )
            elif not _follows(bracket.lower, previous.upper):
                errors[i] = (
                    f"{name(i)} : il manque les quotients entre {_amount_text(previous.upper)} et "
                    f"{_amount_text(bracket.lower)} € après la tranche « {previous.label} ». Elle devrait "
                    f"commencer à {_amount_text(next_lower(previous.upper))} €."
                )
        if position == len(order) - 1 and bracket.upper is not None and i not in errors:
            errors[i] = (
                f"{name(i)} : la dernière tranche doit rester ouverte (laissez la fin vide pour "
                f"« {_amount_text(bracket.lower)} € et plus »), sinon un quotient au-delà de "
                f"{_amount_text(bracket.upper)} € n'a pas de tarif."
            )
    return errors


def _whole(value: Decimal) -> bool:
    return value == value.to_integral_value()


def next_lower(upper: Decimal) -> Decimal:
    """Where the bracket after one ending at `upper` should start: the next euro after a whole bound
    (650 → 651), the next cent after a bound with cents (308,50 → 308,51)."""
    upper = Decimal(upper)
    return upper + 1 if _whole(upper) else upper + CENT


def _follows(lower: Decimal, previous_upper: Decimal) -> bool:
    """A bracket follows the previous one when it starts one cent after it ends, or one euro after it in
    a grid of whole euros (650 then 651: a quotient of 650,50 is placed by its whole-euro part)."""
    if lower == previous_upper + CENT:
        return True
    return _whole(previous_upper) and _whole(lower) and lower == previous_upper + 1


def bracket_index(brackets: list[Bracket], family_quotient: Decimal | None) -> int:
    """Index of the bracket a quotient falls in. No quotient: the highest bracket, as published grids say.

    The brackets must form a valid grid (see `bracket_errors`), sorted by their lower bound. A quotient
    belongs to the last bracket starting at or below it: 650,50 in a grid of whole euros (0–650, 651–840)
    is in the first bracket, as its whole-euro part is.
    """
    if family_quotient is None:
        return len(brackets) - 1
    found = 0
    for index, bracket in enumerate(brackets):
        if bracket.lower <= family_quotient:
            found = index
        else:
            break
    return found

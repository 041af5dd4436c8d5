from django import template

from csc.core.validators import display_phone

register = template.Library()


@register.filter
def phone(value):
    """+33612345678 -> 06 12 34 56 78 (French numbers), international format otherwise."""
    return display_phone(value)


@register.filter
def euros(value):
    """Decimal (or its string form) -> "1 234,50 €"; empty for None."""
    from decimal import Decimal, InvalidOperation

    from csc.core.money import euros as format_euros

    if value is None or value == "":
        return ""
    try:
        return format_euros(Decimal(str(value)))
    except InvalidOperation:
        return value

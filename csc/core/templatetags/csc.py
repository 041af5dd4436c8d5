from django import template

from csc.core.validators import display_phone

register = template.Library()


@register.filter
def phone(value):
    """+33612345678 -> 06 12 34 56 78 (French numbers), international format otherwise."""
    return display_phone(value)

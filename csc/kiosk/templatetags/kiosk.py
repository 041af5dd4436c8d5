from django import template

from csc.kiosk.queries import domain

register = template.Library()


@register.filter
def kiosk_domain(url: str) -> str:
    """« ameli.fr »: the site a tile opens, as the address bar will show it."""
    return domain(url)

"""How a page shows a note read from an encrypted column (crypto.EncryptedTextField)."""

from django import template
from django.template.defaultfilters import linebreaks_filter
from django.utils.html import format_html

register = template.Library()


@register.filter(needs_autoescape=True)
def notes(value, autoescape=True):
    """The note in its paragraphs; a note no key decrypts (crypto.UnreadableText) as a visible warning in
    its place, so that the rest of the page stays readable."""
    if getattr(value, "unreadable", False):
        return format_html('<p class="alert alert--warning">{}</p>', str(value))
    return format_html('<div class="notes">{}</div>', linebreaks_filter(value, autoescape=autoescape))

"""A field of the public forms that no person fills: bots that fill every field they find give
themselves away, and what they post is refused without telling them why.

It is rendered by `includes/honeypot.html`: off-screen (not `display: none`, which some bots skip),
out of the tab order (`tabindex="-1"`), hidden from screen readers (`aria-hidden` on its wrapper) and
from the browser's autofill (`autocomplete="off"`), so that a person never meets it.
"""

FIELD = "site_internet"


def tripped(data) -> bool:
    """True when the trap field came back filled in."""
    value = (data or {}).get(FIELD, "")
    return bool(value.strip()) if isinstance(value, str) else bool(value)

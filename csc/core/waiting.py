"""What waits on the staff home from core: the centre's e-mails that did not leave."""

from django.urls import reverse

from .capabilities import MESSAGES_VIEW
from .notify import needing_attention
from .registry import Waiting
from .tenancy import has_capability


def waiting(user, centre) -> list[Waiting]:
    """One query: the messages the « Messages non partis » page lists."""
    if not has_capability(user, MESSAGES_VIEW, centre):
        return []
    count = needing_attention(centre).count()
    label = "e-mail non parti" if count == 1 else "e-mails non partis"
    return [Waiting(count, label, reverse("core:messages"), late=True)]

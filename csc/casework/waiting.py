"""What waits for a social worker on the staff home: their tasks due today and late (csc.core.registry)."""

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from csc.core.registry import Waiting
from csc.core.tenancy import has_capability

from .capabilities import CASEWORK_FOLLOW
from .queries import tasks_of


def waiting(user, centre) -> list[Waiting]:
    """One query: the user's open tasks (those of `tasks_of`, the « Mes tâches » page) late and due
    today. Tasks are the user's, whatever the centre: the page lists them all."""
    if not has_capability(user, CASEWORK_FOLLOW, centre):
        return []
    today = timezone.localdate()
    counts = (
        tasks_of(user)
        .filter(done_at__isnull=True)
        .order_by()
        .aggregate(late=Count("id", filter=Q(due_on__lt=today)), due=Count("id", filter=Q(due_on=today)))
    )
    url = reverse("casework:my_tasks")
    return [
        Waiting(
            counts["late"], "tâche en retard" if counts["late"] == 1 else "tâches en retard", url, late=True
        ),
        Waiting(
            counts["due"], "tâche pour aujourd'hui" if counts["due"] == 1 else "tâches pour aujourd'hui", url
        ),
    ]

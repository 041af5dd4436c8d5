"""What waits for whoever takes attendance, on the staff home: today's sessions (csc.core.registry)."""

from django.urls import reverse
from django.utils import timezone

from csc.core.registry import Waiting
from csc.core.tenancy import has_capability

from .capabilities import ATTENDANCE_TAKE
from .models import Session


def waiting(user, centre) -> list[Waiting]:
    """One query: the centre's sessions of the day that are not cancelled."""
    if not has_capability(user, ATTENDANCE_TAKE, centre):
        return []
    count = (
        Session.objects.filter(centre=centre, date=timezone.localdate())
        .exclude(status=Session.Status.CANCELLED)
        .count()
    )
    label = "séance aujourd'hui" if count == 1 else "séances aujourd'hui"
    return [Waiting(count, label, reverse("activities:attendance_today"))]

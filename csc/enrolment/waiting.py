"""What waits for reception on the staff home: the online requests to process (csc.core.registry)."""

from django.urls import reverse

from csc.core.registry import Waiting
from csc.core.tenancy import has_capability

from .capabilities import ENROLMENT_PROCESS
from .models import Request


def waiting(user, centre) -> list[Waiting]:
    """One query: the requests the inbox lists as « à traiter »."""
    if not has_capability(user, ENROLMENT_PROCESS, centre):
        return []
    to_process = [Request.Status.RECEIVED, Request.Status.DOCUMENTS_MISSING, Request.Status.OFFERED]
    count = Request.objects.filter(centre=centre, status__in=to_process).count()
    label = "demande en ligne à traiter" if count == 1 else "demandes en ligne à traiter"
    return [Waiting(count, label, reverse("enrolment:inbox") + "?statut=a_traiter")]

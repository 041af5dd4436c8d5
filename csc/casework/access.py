"""How the follow-up pages reach what they show: a record the user may read, or a 404 journaled as a
refusal (the director sees the try in the journal). Shared by views.py, period_views.py and
file_views.py; who may read what is decided in queries.py."""

from __future__ import annotations

from django.db.models import Model, QuerySet
from django.http import Http404

from csc.core.tenancy import centres_with
from csc.people.models import Person

from . import queries, services
from .capabilities import CASEWORK_FOLLOW
from .models import Period

FOLLOW = CASEWORK_FOLLOW


def visible_or_404(request, readable: QuerySet, pk) -> Model:
    """The record `pk` among those the user may read; otherwise the try is journaled and a 404 raised."""
    found = readable.filter(pk=pk).first()
    if found is None:
        services.journal_refusal(
            request.user, object_type=readable.model._meta.label_lower, object_id=str(pk)
        )
        raise Http404
    return found


def followed_people(user) -> QuerySet[Person]:
    return Person.objects.active().filter(centre_id__in=centres_with(user, FOLLOW))


def person_or_404(request, person_id: int) -> Person:
    return visible_or_404(request, followed_people(request.user).select_related("centre"), person_id)


def period_or_404(request, case_period_id: int) -> Period:
    readable = queries.periods_visible_to(request.user).select_related("centre", "scope", "referent")
    return visible_or_404(request, readable, case_period_id)

"""Who reads which accompanying period: the only place that says it.

A worker of the centre (casework.follow) reads a period when they are its referent, one of its workers
or its author, or when it belongs to one of their scopes — unless it is confidential or still a draft,
which only those involved read. Everybody else, including the director, gets a 404.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from csc.core.roles import Capability
from csc.core.tenancy import centres_with

from .models import Exchange, Period, Scope, Task


def involving(user) -> Q:
    """The periods the user is part of: referent, worker or author."""
    as_worker = Period.workers.through.objects.filter(user_id=user.pk).values("period_id")
    return Q(referent_id=user.pk) | Q(created_by_id=user.pk) | Q(pk__in=as_worker)


def periods_visible_to(user) -> QuerySet[Period]:
    centre_ids = centres_with(user, Capability.CASEWORK_FOLLOW)
    if not centre_ids:
        return Period.objects.none()
    my_scopes = Scope.workers.through.objects.filter(user_id=user.pk).values("scope_id")
    through_scope = Q(scope_id__in=my_scopes, is_confidential=False) & ~Q(status=Period.Status.DRAFT)
    return Period.objects.filter(centre_id__in=centre_ids).filter(involving(user) | through_scope)


def exchanges_for(period: Period) -> QuerySet[Exchange]:
    exchanges = period.exchanges.select_related("author").prefetch_related("persons")
    return exchanges.order_by("-happened_on", "-id")


def note_readable(exchange: Exchange, user) -> bool:
    """Private notes are their author's only; the exchange itself (kind, date, duration) stays visible."""
    return not exchange.is_private or exchange.author_id == user.pk


def tasks_of(user) -> QuerySet[Task]:
    """The tasks given to the user, in periods they may still read (a task outlives a change of scope
    only if the period stays readable)."""
    return (
        Task.objects.filter(assignee_id=user.pk, period__in=periods_visible_to(user))
        .select_related("period", "created_by")
        .order_by("due_on", "id")
    )

"""Who reads which accompanying period: the only place that says it.

A worker of the centre (casework.follow) reads a period when they are its referent, one of its workers
or its author, or when it belongs to one of their scopes — unless it is confidential or still a draft,
which only those involved read. Everybody else, including the director, gets a 404.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from csc.core.pagination import CountSparingPaginator
from csc.core.tenancy import centres_with

from .capabilities import CASEWORK_FOLLOW
from .models import Exchange, Period, Scope, Task


def involving(user) -> Q:
    """The periods the user is part of: referent, worker or author."""
    as_worker = Period.workers.through.objects.filter(user_id=user.pk).values("period_id")
    return Q(referent_id=user.pk) | Q(created_by_id=user.pk) | Q(pk__in=as_worker)


def periods_visible_to(user) -> QuerySet[Period]:
    centre_ids = centres_with(user, CASEWORK_FOLLOW)
    if not centre_ids:
        return Period.objects.none()
    my_scopes = Scope.workers.through.objects.filter(user_id=user.pk).values("scope_id")
    through_scope = Q(scope_id__in=my_scopes, is_confidential=False) & ~Q(status=Period.Status.DRAFT)
    return Period.objects.filter(centre_id__in=centre_ids).filter(involving(user) | through_scope)


EXCHANGES_PER_PAGE = 20
KIND_LABELS = dict(Exchange.Kind.choices)


def exchange_page(period: Period, user, number):
    """One page of the period's exchanges, latest first, as plain values: a file of 200 exchanges
    reads and draws 20 of them (benchmarks/README.md, accompagnement). Each card has its kind's label,
    its author's name, the first names of the people present, and its notes only when the user may
    read them."""
    rows = period.exchanges.order_by("-happened_on", "-id").values(
        "id",
        "kind",
        "happened_on",
        "duration_minutes",
        "counterpart",
        "notes",
        "is_private",
        "author_id",
        "author__first_name",
        "author__last_name",
        "author__email",
    )
    page = CountSparingPaginator(rows, EXCHANGES_PER_PAGE).get_page(number)
    cards = list(page.object_list)
    present: dict[int, list[str]] = {}
    through = Exchange.persons.through.objects.filter(exchange_id__in=[card["id"] for card in cards])
    for exchange_id, first_name in through.order_by("person__first_name").values_list(
        "exchange_id", "person__first_name"
    ):
        present.setdefault(exchange_id, []).append(first_name)
    for card in cards:
        card["kind_label"] = KIND_LABELS.get(card["kind"], card["kind"])
        name = f"{card['author__first_name']} {card['author__last_name']}".strip()
        card["author_name"] = name or card["author__email"]
        card["present"] = ", ".join(present.get(card["id"], []))
        card["readable"] = _readable(card["is_private"], card["author_id"], user)
        if not card["readable"]:
            card["notes"] = ""
    page.object_list = cards
    return page


def _readable(is_private: bool, author_id: int, user) -> bool:
    """Private notes are their author's only; the exchange itself (kind, date, duration) stays visible."""
    return not is_private or author_id == user.pk


def note_readable(exchange: Exchange, user) -> bool:
    return _readable(exchange.is_private, exchange.author_id, user)


def tasks_of(user) -> QuerySet[Task]:
    """The tasks given to the user, in periods they may still read (a task outlives a change of scope
    only if the period stays readable)."""
    return (
        Task.objects.filter(assignee_id=user.pk, period__in=periods_visible_to(user))
        .select_related("period", "created_by")
        .order_by("due_on", "id")
    )

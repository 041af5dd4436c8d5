"""Reads of people and households: search and the prefetches every list uses."""

from django.contrib.postgres.search import TrigramWordSimilarity
from django.db import connection
from django.db.models import Case, Prefetch, Q, QuerySet, Value, When

from csc.core.text import normalize

from .models import HouseholdMember, Person

# Below this length a typo-tolerant match finds everybody; plain substring is more useful.
TRIGRAM_MIN_LENGTH = 3
# What a search reads of what was typed: no name is longer.
MAX_QUERY_LENGTH = 100


def search_people(people: QuerySet, query: str) -> QuerySet:
    """People whose name matches every word of the query.

    Accents and case never matter. On PostgreSQL each word also matches a close word of the name
    (pg_trgm word similarity, so 'Dupond' finds 'Dupont'), and the best matches come first.
    """
    # Bounded here rather than by each caller: a name is never this long, and SQLite refuses a LIKE
    # pattern past 50,000 bytes (a 100,000-character search was a server error on the merge page).
    normalized = normalize(query[:MAX_QUERY_LENGTH])
    if not normalized:
        return people.none()
    use_trigrams = connection.vendor == "postgresql"
    condition = Q()
    for word in normalized.split():
        word_matches = Q(search_name__contains=word)
        if use_trigrams and len(word) >= TRIGRAM_MIN_LENGTH:
            word_matches |= Q(search_name__trigram_word_similar=word)
        condition &= word_matches
    people = people.filter(condition)
    if use_trigrams:
        return people.annotate(similarity=TrigramWordSimilarity(normalized, "search_name")).order_by(
            "-similarity", "last_name", "first_name", "id"
        )
    return people.order_by("last_name", "first_name", "id")


def with_households(people: QuerySet, user) -> QuerySet:
    """People with the households the viewer may see (never the unshared ones of a shared person)."""
    memberships = HouseholdMember.objects.visible_to(user).select_related("household")
    return people.select_related("centre").prefetch_related(Prefetch("memberships", queryset=memberships))


def members_in_order(members: QuerySet) -> QuerySet:
    """Responsible adult first, then partner, children (eldest first), others."""
    rank = Case(
        *[
            When(relation=value, then=Value(index))
            for index, value in enumerate(HouseholdMember.Relation.values)
        ],
        default=Value(99),
    )
    return members.select_related("person").order_by(rank, "person__birth_date", "id")


def households_for_list(households: QuerySet) -> QuerySet:
    return households.select_related("centre").prefetch_related(
        Prefetch("members", queryset=members_in_order(HouseholdMember.objects.all()))
    )


def likely_duplicates(person: Person, people: QuerySet, limit: int = 5) -> list[Person]:
    """Other people of the same centre with the same name, or the same first name and birth date."""
    same = Q(search_name=person.search_name)
    if person.birth_date:
        same |= Q(birth_date=person.birth_date, first_name__iexact=person.first_name)
    return list(
        people.filter(same, centre_id=person.centre_id).exclude(pk=person.pk).active().order_by("id")[:limit]
    )

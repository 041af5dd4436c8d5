"""Reads of people and households: search and the prefetches every list uses."""

import re

from django.contrib.postgres.search import TrigramWordSimilarity
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Case, F, Prefetch, Q, QuerySet, Value, When
from django.db.models.functions import Replace

from csc.core.text import normalize

from .models import Household, HouseholdMember, Person

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


# --- Households: name, address, commune, phone -------------------------------------------------------

# How a phone number is written, in order: « (0) » dropped (« +33 (0)6 … »), then the separators, then
# the international prefix of France turned into the national 0. The same steps run in Python on what
# is typed (`normalize_phone`) and in SQL on the stored numbers (`normalized_phone`), so that
# « 06 12 34 56 78 », « 06.12.34.56.78 », « 0612345678 » and « +33 6 12 34 56 78 » all compare equal.
PHONE_STEPS = (("(0)", ""), (" ", ""), (".", ""), ("-", ""), ("/", ""), ("(", ""), (")", ""))
PHONE_PREFIXES = (("+33", "0"), ("0033", "0"))
PHONE_QUERY = re.compile(r"^[\d\s.+\-()/]+$")
# Fewer digits than this is a postcode or a street number, not the start of a phone number.
PHONE_MIN_DIGITS = 6


def normalize_phone(text: str) -> str:
    for old, new in PHONE_STEPS + PHONE_PREFIXES:
        text = text.replace(old, new)
    return text


def normalized_phone(field: str):
    """The phone number in `field`, normalised in SQL as `normalize_phone` does in Python."""
    expression = F(field)
    for old, new in PHONE_STEPS + PHONE_PREFIXES:
        expression = Replace(expression, Value(old), Value(new))
    return expression


def phone_in_query(query: str) -> str:
    """The phone number typed, normalised, or "" when the query is not one."""
    query = query.strip()
    if not PHONE_QUERY.match(query):
        return ""
    phone = normalize_phone(query)
    return phone if sum(c.isdigit() for c in phone) >= PHONE_MIN_DIGITS else ""


def search_households(households: QuerySet, user, query: str) -> QuerySet:
    """Households whose name, address, postcode or commune holds every word of the query, or with a
    member of that name; for a phone number (6 digits or more), those with a member of that number.

    `households` is already limited to what the user may see; the members compared are those of the
    households the user sees (HouseholdMember.visible_to), so a shared person's other households never
    come in through their name or phone.
    """
    query = query[:MAX_QUERY_LENGTH]
    normalized = normalize(query)
    if not normalized:
        return households.none()
    members = HouseholdMember.objects.visible_to(user)
    phone = phone_in_query(query)
    if phone:
        # On PostgreSQL a trigram index on this very expression answers it (migration people.0004).
        with_phone = members.annotate(phone=normalized_phone("person__phone")).filter(phone__contains=phone)
        condition = Q(pk__in=with_phone.values("household_id"))
    else:
        in_text, in_member_name = Q(), Q()
        for word in normalized.split():
            in_text &= Q(search_text__contains=word)
            in_member_name &= Q(person__search_name__contains=word)
        condition = in_text | Q(pk__in=members.filter(in_member_name).values("household_id"))
    return households.filter(condition).order_by("name", "id")


# Past this many households a search is too broad to page through: the list says « plus de 500 ».
HOUSEHOLD_SEARCH_CAP = 500


def household_search_page(households: QuerySet, number, per_page: int = 25):
    """A page of the household search in three queries whatever its size: the ids found, in order (the
    search condition, with its subqueries on the members, is evaluated once — a COUNT would evaluate it
    again), then the page's households and their members."""
    ids = list(households.values_list("pk", flat=True)[: HOUSEHOLD_SEARCH_CAP + 1])
    paginator = Paginator(ids[:HOUSEHOLD_SEARCH_CAP], per_page)
    paginator.capped = len(ids) > HOUSEHOLD_SEARCH_CAP
    page = paginator.get_page(number)
    rows = households_for_search(Household.objects.filter(pk__in=page.object_list)).in_bulk()
    page.object_list = [rows[pk] for pk in page.object_list]
    return page


def households_for_search(households: QuerySet) -> QuerySet:
    """The search's rows: the centre (a badge for a shared household) and the members, in one query."""
    return households.select_related("centre").prefetch_related(
        Prefetch("members", queryset=members_in_order(HouseholdMember.objects.all()))
    )

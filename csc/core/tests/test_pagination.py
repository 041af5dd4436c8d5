import pytest
from django.core.paginator import Paginator
from hypothesis import given
from hypothesis import strategies as st

from csc.core.models import Centre
from csc.core.pagination import CountSparingPaginator


@given(
    rows=st.integers(min_value=0, max_value=80),
    per_page=st.integers(min_value=1, max_value=30),
    number=st.one_of(
        st.none(), st.integers(min_value=-2, max_value=6), st.sampled_from(["", "abc", "1", " 2"])
    ),
)
def test_the_count_sparing_paginator_shows_what_django_shows(rows, per_page, number):
    items = list(range(rows))
    expected = Paginator(items, per_page).get_page(number)
    page = CountSparingPaginator(items, per_page).get_page(number)
    assert list(page.object_list) == list(expected.object_list)
    assert (page.number, page.paginator.count, page.paginator.num_pages) == (
        expected.number,
        expected.paginator.count,
        expected.paginator.num_pages,
    )
    assert (page.has_next(), page.has_previous()) == (expected.has_next(), expected.has_previous())


@pytest.mark.django_db
def test_a_capped_count_stops_early_and_says_so(django_assert_num_queries):
    from csc.testing.factories import CentreFactory

    for _ in range(7):
        CentreFactory()
    centres = Centre.objects.order_by("pk")
    with django_assert_num_queries(2):  # the first page (one row more), then the capped count
        page = CountSparingPaginator(centres, 2, count_cap=5).get_page(None)
        assert (len(page.object_list), page.paginator.count, page.paginator.capped) == (2, 5, True)
    with django_assert_num_queries(1):  # a first page that is not full is the whole result
        page = CountSparingPaginator(centres, 10, count_cap=5).get_page("1")
        assert (len(page.object_list), page.paginator.count, page.paginator.capped) == (7, 7, False)

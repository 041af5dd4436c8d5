"""LinkPattern gives, for every id, the URL `reverse()` gives."""

import pytest
from django.urls import NoReverseMatch, reverse
from hypothesis import given
from hypothesis import strategies as st

from csc.core.links import LinkPattern

SHEET = LinkPattern("animation:sheet_detail")
MOVE = LinkPattern("animation:planning_entry_move", (7,))


@given(st.integers(min_value=1, max_value=2**63 - 1))
def test_each_id_gets_the_url_reverse_gives(pk):
    assert SHEET(pk) == reverse("animation:sheet_detail", args=[pk])
    assert MOVE(pk) == reverse("animation:planning_entry_move", args=[7, pk])


def test_a_route_without_an_id_is_refused_when_the_pattern_is_made():
    with pytest.raises(NoReverseMatch):
        LinkPattern("animation:sheet_list")

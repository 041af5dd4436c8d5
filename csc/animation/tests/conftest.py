import pytest


@pytest.fixture
def before_the_holidays(clock):
    """The plannings' tests place sheets in the Christmas holidays of 2026 (test_plannings.HOLIDAY_DAYS);
    a planning's day list opens on today when the period has begun, so they run a few weeks before it,
    whatever day the suite runs."""
    clock("2026-12-01 10:00", tick=True)

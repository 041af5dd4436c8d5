"""The test suite's clock: a whole run can be moved to any instant, and a test that depends on the day
freezes the clock itself.

Pages say « aujourd'hui », count ages, close periods at midnight and skip Sundays: a test whose
expectation depends on the real day passes six days a week and fails on the seventh. Two defences:

- a test that asserts something the day or hour changes moves the clock with the `clock` fixture
  (time-machine), so that it reads the same whatever day CI runs;
- `CSC_TEST_NOW="2027-01-03 23:30"` runs the whole suite (server threads included) as if it were that
  local time in Europe/Paris, the clock ticking from there; `scripts/test-clocks.sh` runs it at the
  instants that broke tests before (a Monday, Sunday 23:30, 31 December, a daylight-saving day).
"""

from __future__ import annotations

import datetime as dt
import os
from zoneinfo import ZoneInfo

import time_machine

PARIS = ZoneInfo("Europe/Paris")
ENV_VARIABLE = "CSC_TEST_NOW"


def paris(value: str | dt.datetime | dt.date) -> dt.datetime:
    """An aware instant from "YYYY-MM-DD[ HH:MM]" or a naive date/datetime read as Paris local time."""
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    if not isinstance(value, dt.datetime):
        value = dt.datetime.combine(value, dt.time(10, 0))
    return value if value.tzinfo else value.replace(tzinfo=PARIS)


def start_session_travel():
    """Move the process's clock to CSC_TEST_NOW, if set; returns the traveller to stop, or None."""
    when = os.environ.get(ENV_VARIABLE, "").strip()
    if not when:
        return None
    traveller = time_machine.travel(paris(when), tick=True)
    traveller.start()
    return traveller

"""The link a family receives to follow its request opens a page, and a PDF, about that family: no copy
of either may stay in a proxy or in the cache of the shared computer it was opened on
(csc/core/headers.py)."""

from datetime import date

import pytest
from django.urls import reverse

from csc.activities.demo import build_leisure_centre
from csc.enrolment import services
from csc.enrolment.notifications import follow_token

from .helpers import family

pytestmark = pytest.mark.django_db


def test_the_follow_page_and_its_pdf_are_never_kept_in_a_cache(client, centre_a):
    leisure = build_leisure_centre(centre_a, today=date(2026, 11, 21), holiday_start=date(2026, 12, 21))
    request = services.submit_membership_request(
        centre=centre_a, season=leisure.season, submission=family([])
    )
    token = follow_token(request)
    page = client.get(reverse("enrolment:follow", args=[token]))
    pdf = client.get(reverse("enrolment:follow_summary_pdf", args=[token]))
    assert request.reference in page.content.decode()
    assert pdf.content.startswith(b"%PDF")
    for response in (page, pdf):
        assert {"private", "no-store"} <= {part.strip() for part in response["Cache-Control"].split(",")}
        assert "Content-Security-Policy" in response

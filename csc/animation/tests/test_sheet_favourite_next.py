"""The favourite button sends back to where the person was (`next`, csc.core.redirects): only a path of
the site; « abc » used to give a 500 (looked up as a view name), another site the sheet's page."""

from urllib.parse import urlencode

import pytest
from django.urls import reverse

from csc.animation import sheets
from csc.animation.models import ActivitySheet, SheetFavourite
from csc.core.redirects import local_path
from csc.testing.next_values import HOSTILE_NEXT, KEPT_NEXT, as_read_from_the_address

CASES = [*HOSTILE_NEXT.items(), ("local path", KEPT_NEXT)]


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "value"), CASES, ids=[name for name, _ in CASES])
@pytest.mark.parametrize("where", ["form", "address"])
def test_the_favourite_toggle_goes_back_only_to_a_page_of_the_site(
    client, staff, centre_a, where, name, value
):
    animator = staff("animator", "a")
    sheet = sheets.create_sheet(
        centre=centre_a,
        author=animator,
        data={
            "title": "Gâteau au yaourt",
            "summary": "Un gâteau simple que les enfants mesurent au pot de yaourt.",
            "kind": ActivitySheet.Kind.COOKING,
            "min_age": 6,
            "max_age": 10,
            "duration_minutes": 60,
            "materials": "1 pot de yaourt",
            "steps": "Mélanger\nCuire",
            "visibility": ActivitySheet.Visibility.NETWORK,
        },
        objectives=(),
        publish=True,
    ).sheet
    client.force_login(animator)
    url = reverse("animation:sheet_favourite", args=[sheet.pk])
    if where == "form":
        response = client.post(url, {"favori": "1", "next": value})
    else:
        response = client.post(f"{url}?{urlencode({'next': value})}", {"favori": "1"})
    assert response.status_code == 302
    detail = reverse("animation:sheet_detail", args=[sheet.pk])
    sent = value if where == "form" else as_read_from_the_address(value)
    kept = local_path(sent, response.wsgi_request) is not None
    assert response["Location"] == (sent if kept else detail)
    assert SheetFavourite.objects.filter(user=animator, sheet=sheet).exists()

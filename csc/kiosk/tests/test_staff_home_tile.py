"""The help log's tile promises the CAF report only to whom may open it."""

import pytest
from django.urls import reverse


@pytest.mark.django_db
def test_reception_is_not_promised_the_caf_report_it_cannot_open(client, staff, centre_a):
    client.force_login(staff("reception"))
    home = client.get(reverse("core:staff_home")).content.decode()
    assert "Aides aux démarches en ligne" in home
    assert "rapport CAF" not in home
    assert client.get(reverse("kiosk:caf_report")).status_code == 404


@pytest.mark.django_db
def test_the_kiosk_referent_reaches_the_caf_report_from_the_tile(client, staff, centre_a):
    client.force_login(staff("kiosk_referent"))
    home = client.get(reverse("core:staff_home")).content.decode()
    assert f'<a href="{reverse("kiosk:caf_report")}">Le rapport CAF du mois</a>' in home
    assert client.get(reverse("kiosk:caf_report")).status_code == 200

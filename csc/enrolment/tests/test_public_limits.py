"""The public forms send an e-mail to the address typed: a script must not use them to flood a stranger's
mailbox or the centre's inbox. Limits per e-mail address and per client, a trap field for bots; a family
over a limit reads why and when to try again, and keeps what it typed."""

import re
import uuid
from datetime import date

import pytest
from django.core import mail
from django.urls import reverse

from csc.activities.demo import build_leisure_centre
from csc.core.models import OutboundMessage
from csc.enrolment.models import Request
from csc.enrolment.tests.test_public import membership_data, registration_data, url
from csc.testing.pages import page_text
from csc.testing.tasks import run_task_worker

TODAY = date(2026, 11, 21)
pytestmark = pytest.mark.django_db


@pytest.fixture
def leisure(centre_a, clock):
    # Frozen mid-hour: the limits count in windows of the clock, which must not turn during a test
    # (the frozen clock is also the forms' « today »).
    clock("2026-11-21 10:20")
    return build_leisure_centre(centre_a, today=TODAY, places=2, holiday_start=date(2026, 12, 21))


def membership(leisure, **overrides):
    # A script sends a new key each time: each post is a new request.
    return membership_data(str(uuid.uuid4()), **overrides)


def membership_url(leisure):
    return reverse("enrolment:membership_form", args=[leisure.activity.centre.slug])


def test_thirty_pre_memberships_to_one_address_make_six_requests_and_six_e_mails(
    client, leisure, limits_cache, django_capture_on_commit_callbacks
):
    target = {"famille-email": "cible@example.org"}
    with django_capture_on_commit_callbacks(execute=True):
        answers = [client.post(membership_url(leisure), membership(leisure, **target)) for _ in range(30)]
    run_task_worker()
    assert [a.status_code for a in answers] == [302] * 6 + [429] * 24
    assert Request.objects.count() == 6
    assert OutboundMessage.objects.filter(recipient="cible@example.org").count() == 6
    assert len(mail.outbox) == 6
    refused = answers[-1]
    text = page_text(refused)
    assert "Trop d'envois en peu de temps" in text and "Réessayez dans 40 minutes" in text
    # Everything typed is still in the form, ready to send later.
    assert 'value="cible@example.org"' in text and 'value="Léa"' in text and 'value="3 rue des Lilas"' in text


def test_writing_the_address_another_way_does_not_escape_the_limit(client, leisure):
    spellings = ["Cible@Example.org", "cible+1@example.org", "CIBLE+2@EXAMPLE.ORG", "cible+3@example.org"]
    spellings += ["cible+4@example.org", "cible+5@example.org", "cible+6@example.org"]
    answers = [
        client.post(membership_url(leisure), membership(leisure, **{"famille-email": address})).status_code
        for address in spellings
    ]
    assert answers == [302] * 6 + [429]


def test_one_client_sending_for_many_addresses_is_limited(client, leisure, settings):
    settings.CSC_PUBLIC_REQUESTS_PER_CLIENT = 3
    answers = [
        client.post(
            membership_url(leisure), membership(leisure, **{"famille-email": f"f{i}@example.org"})
        ).status_code
        for i in range(4)
    ]
    assert answers == [302, 302, 302, 429]
    assert Request.objects.count() == 3
    other = client.__class__(REMOTE_ADDR="192.0.2.80")
    assert other.post(membership_url(leisure), membership(leisure)).status_code == 302


def test_a_bot_that_fills_the_trap_field_saves_nothing_and_sends_nothing(
    client, leisure, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            membership_url(leisure), {**membership(leisure), "site_internet": "http://x.example"}
        )
    run_task_worker()
    assert response.status_code == 400
    assert "Votre demande n'a pas pu être envoyée" in page_text(response)
    assert not Request.objects.exists() and not OutboundMessage.objects.exists() and mail.outbox == []
    # A person whose browser filled it anyway sends the form again: the field comes back empty.
    assert 'name="site_internet" value=""' in response.content.decode()
    assert 'value="nadia.martin@example.org"' in response.content.decode()


def test_a_pre_registration_over_the_limit_is_shown_again_with_its_summary(client, leisure, settings):
    settings.CSC_PUBLIC_REQUESTS_PER_CLIENT = 1
    first = client.post(url(leisure), {**registration_data(leisure), "action": "verifier"})
    draft = re.search(r'name="brouillon" value="([^"]+)"', first.content.decode()).group(1)
    assert client.post(url(leisure), {"brouillon": draft, "action": "envoyer"}).status_code == 302

    key = str(uuid.uuid4())
    second = client.post(url(leisure), {**registration_data(leisure, key=key), "action": "verifier"})
    draft = re.search(r'name="brouillon" value="([^"]+)"', second.content.decode()).group(1)
    refused = client.post(url(leisure), {"brouillon": draft, "action": "envoyer"})
    assert refused.status_code == 429
    text = page_text(refused)
    assert "Vérifiez votre demande" in text and "Trop d'envois en peu de temps" in text
    assert "Léa Martin" in text and 'name="brouillon"' in text  # nothing typed is lost
    assert Request.objects.count() == 1


def test_a_bot_is_stopped_before_the_summary_of_a_pre_registration(client, leisure):
    response = client.post(
        url(leisure), {**registration_data(leisure), "action": "verifier", "site_internet": "spam"}
    )
    assert response.status_code == 400
    assert "Votre demande n'a pas pu être envoyée" in page_text(response)
    assert 'name="brouillon"' not in response.content.decode()
    assert not Request.objects.exists()


def test_the_public_forms_carry_the_trap_field_hidden_from_people(client, leisure):
    for page in (client.get(membership_url(leisure)), client.get(url(leisure))):
        html = page.content.decode()
        assert '<div class="trap" aria-hidden="true">' in html
        assert 'name="site_internet" value="" tabindex="-1" autocomplete="off"' in html

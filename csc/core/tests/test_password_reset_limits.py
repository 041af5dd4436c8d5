"""« Mot de passe oublié » sends a link by e-mail to whoever types an address: limited per address and
per client, trapped for bots, so that it cannot fill a colleague's mailbox."""

import pytest
from django.core import mail
from django.urls import reverse

from csc.core.models import OutboundMessage
from csc.testing.pages import page_text
from csc.testing.tasks import run_task_worker

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def mid_hour(clock):
    # The limits count in windows of the clock, which must not turn during a test.
    clock("2027-01-04 10:20")


def ask(client, email, **extra):
    return client.post(reverse("core:password_reset"), {"email": email, **extra})


def test_fifteen_resets_in_a_row_send_three_e_mails(
    client, reception_a, limits_cache, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        answers = [ask(client, reception_a.email) for _ in range(15)]
    run_task_worker()
    assert [a.status_code for a in answers] == [302] * 3 + [429] * 12
    assert OutboundMessage.objects.filter(purpose="auth.password_reset").count() == 3
    assert len(mail.outbox) == 3
    refused = answers[-1]
    text = page_text(refused)
    assert "Trop d'envois en peu de temps" in text and "rien n'a été envoyé" in text
    assert "Réessayez dans" in text
    assert f'value="{reception_a.email}"' in refused.content.decode()  # the address typed is kept


def test_another_spelling_of_the_address_does_not_open_a_new_count(client, reception_a, limits_cache):
    local, domain = reception_a.email.split("@")
    for spelling in (reception_a.email, reception_a.email.upper(), f"{local}+x@{domain}"):
        ask(client, spelling)
    assert ask(client, f" {reception_a.email.title()} ").status_code == 429


def test_one_client_asking_for_many_addresses_is_limited_too(client, db, limits_cache):
    answers = [ask(client, f"personne{i}@example.org").status_code for i in range(12)]
    assert answers == [302] * 10 + [429] * 2
    # Another client is not concerned.
    assert ask(client.__class__(REMOTE_ADDR="192.0.2.44"), "autre@example.org").status_code == 302


def test_unknown_addresses_are_counted_like_known_ones(client, db):
    """The limit must not tell whether an account has the address."""
    answers = [ask(client, "inconnu@example.org").status_code for _ in range(4)]
    assert answers == [302, 302, 302, 429]


def test_a_bot_that_fills_the_trap_field_gets_the_usual_answer_and_nothing_leaves(
    client, reception_a, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = ask(client, reception_a.email, site_internet="https://promo.example")
    run_task_worker()
    assert response.status_code == 302 and response["Location"] == reverse("core:password_reset_done")
    assert not OutboundMessage.objects.exists() and mail.outbox == []


def test_the_trap_field_is_out_of_sight_out_of_reach_and_out_of_autofill(client, db):
    html = client.get(reverse("core:password_reset")).content.decode()
    assert '<div class="trap" aria-hidden="true">' in html
    assert 'name="site_internet" value="" tabindex="-1" autocomplete="off"' in html

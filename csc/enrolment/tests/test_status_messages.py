"""The centre's wording of the status e-mails goes through a form: the platform's text cleaning applies,
and every status is checked before any is saved (issue 18, item 5: the view used to read raw POST data)."""

import pytest
from django.urls import reverse

from csc.enrolment.models import StatusMessage
from csc.enrolment.notifications import DEFAULT_MESSAGES
from csc.testing.pages import visible_text

pytestmark = pytest.mark.django_db

URL = reverse("enrolment:status_messages")


def every_default(**changes):
    """The page posted as shown (browsers send a text area's line breaks as CRLF), with `changes`."""
    data = {}
    for status, (subject, body) in DEFAULT_MESSAGES.items():
        data[f"{status}-subject"] = subject
        data[f"{status}-body"] = body.replace("\n", "\r\n")
    return data | changes


@pytest.mark.parametrize("hostile", ["Merci\x00", "Merci\u202e !", "\x1b[2J"])
@pytest.mark.parametrize("field", ["recue-subject", "validee-body"])
def test_a_refused_character_gets_a_french_message_and_nothing_is_saved(login, director_a, hostile, field):
    client = login(director_a)
    response = client.post(URL, every_default(**{"refusee-subject": "Désolé {prenom}", field: hostile}))
    assert response.status_code == 400
    text = visible_text(response)
    assert "Aucun texte n'a été enregistré. Corrigez ce qui est signalé ci-dessous" in text
    assert "retapez-le au clavier plutôt que de le coller" in text
    assert 'value="Désolé {prenom}"' in response.content.decode()  # the rest of the typing is kept
    assert not StatusMessage.objects.exists()


def test_an_invisible_only_pair_goes_back_to_the_default(login, director_a, centre_a):
    StatusMessage.objects.create(centre=centre_a, status="recue", subject="Merci", body="Bien reçu")
    client = login(director_a)
    response = client.post(URL, every_default(**{"recue-subject": "\u200b\u200b", "recue-body": "\ufeff"}))
    assert response.status_code == 302
    assert not StatusMessage.objects.exists()


def test_a_line_break_in_a_subject_becomes_a_space(login, director_a, centre_a):
    client = login(director_a)
    client.post(URL, every_default(**{"recue-subject": "Merci\r\nBcc: pirate@example.org"}))
    assert StatusMessage.objects.get(centre=centre_a).subject == "Merci  Bcc: pirate@example.org"


def test_the_page_posted_unchanged_keeps_the_default_texts(login, director_a):
    client = login(director_a)
    assert client.post(URL, every_default()).status_code == 302
    assert not StatusMessage.objects.exists()


def test_a_too_long_text_is_refused_without_saving_the_others(login, director_a):
    client = login(director_a)
    response = client.post(
        URL, every_default(**{"recue-subject": "Merci {prenom}", "annulee-body": "a" * 100_000})
    )
    assert response.status_code == 400
    assert "Le texte dépasse 5000 caractères." in visible_text(response)
    assert not StatusMessage.objects.exists()


def test_a_stored_text_longer_than_the_cap_posted_unchanged_does_not_block_the_others(
    login, director_a, centre_a
):
    """Texts saved before the 5,000-character cap: left untouched, they stay as they are and the other
    statuses are saved; changed, they must fit."""
    long_text = "Bonjour {prenom},\n" + "Votre demande est bien reçue. " * 200
    StatusMessage.objects.create(centre=centre_a, status="annulee", subject="Annulation", body=long_text)
    client = login(director_a)
    page = client.get(URL)
    assert f"Ce texte compte {len(long_text)} caractères, plus que les 5000 permis" in visible_text(page)

    posted = every_default(
        **{
            "recue-subject": "Merci {prenom}",
            "annulee-subject": "Annulation",
            "annulee-body": long_text.replace("\n", "\r\n"),
        }
    )
    assert client.post(URL, posted).status_code == 302
    assert dict(StatusMessage.objects.values_list("status", "body"))["annulee"] == long_text
    assert StatusMessage.objects.get(status="recue").subject == "Merci {prenom}"

    response = client.post(URL, posted | {"annulee-body": long_text + " Merci."})
    assert response.status_code == 400
    assert f"Le texte dépasse 5000 caractères (il en compte {len(long_text) + 7})" in visible_text(response)
    assert StatusMessage.objects.get(status="annulee").body == long_text

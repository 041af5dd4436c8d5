"""The kiosk's anonymous endpoints against forged posts: answers and counts posted from another site,
in a loop, or nested a thousand deep are refused, in French, and nothing is stored."""

import json

import pytest

from csc.kiosk.models import KioskEvent, SurveyAnswer
from csc.testing.pages import visible_text

pytestmark = pytest.mark.django_db

OWN = "http://testserver"
ANSWER = {"resultat": "helped", "organisme": "caf", "age": "60+"}


@pytest.fixture(autouse=True)
def mid_minute(clock):
    # The limits count in windows of the clock, which must not turn during a test.
    clock("2027-01-04 10:00:20")


def survey(client, centre, data=ANSWER, **headers):
    return client.post(f"/borne/{centre.slug}/fin/", data, **headers)


def events(client, centre, body, **headers):
    return client.post(f"/borne/{centre.slug}/evenements/", body, content_type="text/plain", **headers)


@pytest.mark.parametrize(
    "headers",
    [
        {"HTTP_ORIGIN": "https://malveillant.example"},
        {"HTTP_ORIGIN": "null"},  # a sandboxed frame, a file opened in the browser
        {"HTTP_ORIGIN": "http://testserver.malveillant.example"},
        {"HTTP_REFERER": "https://malveillant.example/page"},
        {"HTTP_REFERER": "http://[::1"},
        {},  # neither header: not sent by a browser's page
    ],
)
def test_a_survey_answer_from_another_origin_is_refused_and_not_stored(client, centre_a, headers):
    response = survey(client, centre_a, **headers)
    assert response.status_code == 403
    assert "Vos réponses n'ont pas été enregistrées" in visible_text(response)
    assert not SurveyAnswer.objects.exists()


@pytest.mark.parametrize(
    "headers", [{"HTTP_ORIGIN": "https://malveillant.example"}, {"HTTP_ORIGIN": "null"}, {}]
)
def test_events_from_another_origin_are_refused_and_not_stored(client, centre_a, headers):
    response = events(client, centre_a, json.dumps({"type": "visite"}), **headers)
    assert response.status_code == 403
    assert response.json() == {"erreur": "Envoi refusé : il ne vient pas d'une page de cette borne."}
    assert not KioskEvent.objects.exists()


def test_the_sites_own_pages_are_recognised_by_their_origin_or_their_referer(client, centre_a, settings):
    assert survey(client, centre_a, HTTP_ORIGIN=OWN).status_code == 200
    assert survey(client, centre_a, HTTP_REFERER=f"{OWN}/borne/{centre_a.slug}/fin/").status_code == 200
    settings.CSRF_TRUSTED_ORIGINS = ["https://borne.example.org"]
    assert survey(client, centre_a, HTTP_ORIGIN="https://borne.example.org").status_code == 200
    assert SurveyAnswer.objects.count() == 3


def test_fifty_survey_answers_in_a_row_are_limited(client, centre_a, limits_cache):
    answers = [survey(client, centre_a, HTTP_ORIGIN=OWN) for _ in range(50)]
    assert [a.status_code for a in answers] == [200] * 10 + [429] * 40
    assert SurveyAnswer.objects.count() == 10
    text = visible_text(answers[-1])
    assert "Trop de réponses envoyées depuis cette borne" in text and "Réessayez dans une minute" in text
    # Another address (another centre's kiosks) is not concerned.
    other = client.__class__(REMOTE_ADDR="192.0.2.30")
    assert survey(other, centre_a, HTTP_ORIGIN=OWN).status_code == 200


def test_events_are_limited_in_the_shared_cache(client, centre_a, settings, limits_cache):
    settings.CSC_KIOSK_EVENTS_PER_MINUTE = 5
    statuses = [
        events(client, centre_a, json.dumps({"type": "visite"}), HTTP_ORIGIN=OWN).status_code
        for _ in range(7)
    ]
    assert statuses == [204] * 5 + [429] * 2
    assert KioskEvent.objects.count() == 5


def test_a_bot_that_fills_the_trap_field_is_thanked_and_nothing_is_stored(client, centre_a):
    response = survey(client, centre_a, {**ANSWER, "site_internet": "https://promo.example"}, HTTP_ORIGIN=OWN)
    assert response.status_code == 200 and "Merci pour vos réponses" in visible_text(response)
    assert not SurveyAnswer.objects.exists()


def test_the_survey_carries_the_trap_field_hidden_from_people(client, centre_a):
    html = client.get(f"/borne/{centre_a.slug}/fin/").content.decode()
    assert '<div class="trap" aria-hidden="true">' in html
    assert 'name="site_internet" value="" tabindex="-1" autocomplete="off"' in html


@pytest.mark.parametrize(
    "body",
    [
        "[" * 1500 + "]" * 1500,
        "{" + '"a":{' * 1000 + "}" * 1001,
        "[" * 40 + "]" * 40,  # past 32 levels, well below Python's recursion limit
    ],
)
def test_deeply_nested_events_are_a_400_in_french(client, centre_a, body):
    response = events(client, centre_a, body, HTTP_ORIGIN=OWN)
    assert response.status_code == 400
    assert response.json() == {"erreur": "Le contenu est trop imbriqué : 32 niveaux au plus."}
    assert not KioskEvent.objects.exists()


def test_searches_are_answered_but_counted_only_so_many_a_minute(client, centre_a):
    for _ in range(65):
        assert client.get(f"/borne/{centre_a.slug}/recherche/", {"q": "carte vitale"}).status_code == 200
    assert KioskEvent.objects.filter(kind=KioskEvent.Kind.SEARCH).count() == 60

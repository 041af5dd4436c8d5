"""The kiosk residents use: tiles by theme, the search in their words, « Besoin d'aide ? », help sheets,
the end of a session; no cookie, no personal data, a friendly 404; and the events endpoint, which
refuses what a page of the kiosk would never send."""

import json
from datetime import time
from decimal import Decimal

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from csc.directory import services as directory
from csc.directory.models import ServiceCategory, Structure
from csc.kiosk import services, text
from csc.kiosk.models import HelpSheet, KioskEvent, Procedure, SurveyAnswer, Theme, Tile
from csc.testing.factories import FederationFactory
from csc.testing.pages import visible_text

pytestmark = pytest.mark.django_db

# What a browser sends with a POST from one of the kiosk's pages (csc/core/origins.py).
SAME_ORIGIN = {"HTTP_ORIGIN": "http://testserver"}


def home(client, centre, **params):
    return client.get(f"/borne/{centre.slug}/", params)


def tiles_of(centre):
    services.kiosk_for(centre)
    return {t.procedure.slug if t.procedure else t.title: t for t in Tile.objects.filter(centre=centre)}


# --- Home -----------------------------------------------------------------------------------------------


def test_the_home_page_shows_the_catalogue_by_theme_with_the_centres_own_prefecture_and_town(
    client, centre_a
):
    response = home(client, centre_a)
    assert response.status_code == 200
    body = visible_text(response)
    for theme in ("Famille et allocations", "Santé", "Papiers et titres", "Emploi et formation"):
        assert theme in body
    assert "Ameli - Assurance Maladie" in body and "Ouvre le site ameli.fr" in body
    # A centre of Lille (59): the Nord's préfecture and the city of Lille, not the others.
    assert "Préfecture du Nord" in body and "Ville de Lille" in body
    assert "Pas-de-Calais" not in body and "Ville de Roubaix" not in body
    assert 'href="https://www.ameli.fr"' in response.content.decode()


def test_no_public_page_sets_a_cookie(client, centre_a, staff):
    tiles = tiles_of(centre_a)
    HelpSheet.objects.create(centre=centre_a, procedure=tiles["ameli"].procedure, title="Ameli pas à pas")
    urls = [
        f"/borne/{centre_a.slug}/",
        f"/borne/{centre_a.slug}/?suite=1",
        f"/borne/{centre_a.slug}/recherche/?q=carte+vitale",
        f"/borne/{centre_a.slug}/besoin-d-aide/",
        f"/borne/{centre_a.slug}/fiche/ameli/",
        f"/borne/{centre_a.slug}/fin/",
        "/borne/centre-qui-n-existe-pas/",
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code in (200, 404)
        assert not response.cookies, url
    response = client.post(f"/borne/{centre_a.slug}/fin/", {"resultat": "alone"}, **SAME_ORIGIN)
    assert response.status_code == 200 and not response.cookies
    response = client.post(
        f"/borne/{centre_a.slug}/evenements/",
        json.dumps({"type": "visite"}),
        content_type="text/plain",
        **SAME_ORIGIN,
    )
    assert response.status_code == 204 and not response.cookies


def test_an_unknown_centre_gets_a_friendly_404_on_every_kiosk_page(client):
    for url in ("/borne/nulle-part/", "/borne/nulle-part/recherche/?q=caf", "/borne/nulle-part/fin/"):
        response = client.get(url)
        assert response.status_code == 404
        assert "Cette borne n'existe pas" in visible_text(response)
        assert "Voir la liste des centres sociaux" in visible_text(response)


def test_the_home_page_is_served_from_the_cache_without_a_query(client, centre_a, django_assert_num_queries):
    home(client, centre_a)
    with django_assert_num_queries(0):
        response = home(client, centre_a)
    assert "Ameli - Assurance Maladie" in visible_text(response)


def test_the_home_page_goes_compressed_to_browsers_that_accept_it(client, centre_a):
    import gzip

    plain = home(client, centre_a)
    compressed = client.get(f"/borne/{centre_a.slug}/", HTTP_ACCEPT_ENCODING="gzip, deflate, br")
    assert compressed["Content-Encoding"] == "gzip" and "Accept-Encoding" in compressed["Vary"]
    assert gzip.decompress(compressed.content) == plain.content
    assert len(compressed.content) < len(plain.content) / 2


def test_todays_reception_hours_come_from_the_centres_directory_entry(client, centre_a, staff):
    every_day = [[(time(0, 0), time(23, 59))] for _ in range(7)]
    services.save_hours(centre_a, every_day, user=staff("kiosk_referent"))
    body = visible_text(home(client, centre_a))
    assert "Accueil du centre : Ouvert maintenant, jusqu'à 23 h 59" in body
    assert Structure.objects.get(centre=centre_a).hours[0] == [["00:00", "23:59"]]


def test_hidden_tiles_are_not_shown(client, centre_a):
    tiles = tiles_of(centre_a)
    services.set_hidden(tiles["msa"], hidden=True)
    body = visible_text(home(client, centre_a))
    assert "MSA" not in body
    assert "CAF - Caisse d'allocations familiales" in body


# --- Search ---------------------------------------------------------------------------------------------


def found_titles(client, centre, words, **params):
    response = client.get(f"/borne/{centre.slug}/recherche/", {"q": words, **params})
    assert response.status_code == 200
    return visible_text(response), response


@pytest.mark.parametrize(
    "words, first",
    [
        ("carte vitale", "Ameli - Assurance Maladie"),
        ("je veux ma carte vitale", "Ameli - Assurance Maladie"),
        ("Pôle emploi", "France Travail (ex-Pôle emploi)"),
        ("pole-emploi", "France Travail (ex-Pôle emploi)"),
        ("POLE EMPLOI", "France Travail (ex-Pôle emploi)"),
        ("passeport", "ANTS - Titres sécurisés"),
        ("allocation", "CAF - Caisse d'allocations familiales"),
        ("impôts", "impots.gouv.fr"),
    ],
)
def test_the_search_understands_the_words_residents_use(client, centre_a, words, first):
    services.kiosk_for(centre_a)
    tiles = services.find_tiles(
        list(Tile.objects.filter(centre=centre_a).select_related("procedure", "theme")), words
    )
    assert tiles and tiles[0].label == first


# The words residents typed that found nothing (the kiosk's own statistics list them), each with the
# national service that answers it, accents optional, singular or plural.
@pytest.mark.parametrize(
    "words, expected",
    [
        ("chômage", {"france-travail"}),
        ("chomage", {"france-travail"}),
        ("CHÔMAGE", {"france-travail"}),
        ("mutuelle", {"ameli"}),
        ("mutuelles", {"ameli"}),
        ("handicap", {"mdph"}),
        ("handicapé", {"mdph"}),
        ("handicapes", {"mdph"}),
        ("MDPH", {"mdph"}),
        ("mdph", {"mdph"}),
        ("amende", {"antai"}),
        ("amendes", {"antai"}),
        ("Amendes", {"antai"}),
        ("bourse", {"bourses-college-lycee", "messervices-etudiant"}),
        ("bourses", {"bourses-college-lycee", "messervices-etudiant"}),
        ("bourse étudiant", {"messervices-etudiant"}),
        ("bourse collège", {"bourses-college-lycee"}),
    ],
)
def test_the_words_residents_typed_without_result_now_find_their_service(client, centre_a, words, expected):
    body, response = found_titles(client, centre_a, words)
    assert "Aucune démarche ne correspond" not in body
    titles = dict(Procedure.objects.values_list("slug", "title"))
    found = services.find_tiles(
        list(Tile.objects.filter(centre=centre_a).select_related("procedure", "theme")), words
    )
    assert {tile.procedure.slug for tile in found[: len(expected)]} == expected
    for slug in expected:
        assert titles[slug] in body
    assert KioskEvent.objects.get(kind=KioskEvent.Kind.SEARCH).results == len(found)


def test_a_service_new_to_the_catalogue_reaches_the_kiosks_already_open(client, centre_a):
    from csc.kiosk.catalogue import load_procedures

    tiles_of(centre_a)
    Tile.objects.filter(procedure__slug="antai").delete()
    Procedure.objects.filter(slug="antai").delete()
    body, _ = found_titles(client, centre_a, "amende")
    assert "Aucune démarche ne correspond" in body
    load_procedures()
    body, _ = found_titles(client, centre_a, "amende")
    assert "ANTAI" in body
    # Loading again changes nothing, and a tile the referent hid stays hidden.
    services.set_hidden(Tile.objects.get(centre=centre_a, procedure__slug="antai"), hidden=True)
    load_procedures()
    assert Tile.objects.filter(centre=centre_a, procedure__slug="antai", is_hidden=True).count() == 1


def test_a_search_is_counted_and_one_that_finds_nothing_says_what_to_do(client, centre_a):
    body, response = found_titles(client, centre_a, "carte vitale")
    assert "1 résultat pour « carte vitale » :" in body
    assert 'href="https://www.ameli.fr"' in response.content.decode()
    body, _ = found_titles(client, centre_a, "permis bateau 06 12 34 56 78 jean@example.org")
    assert "Aucune démarche ne correspond" in body
    assert "demander de l'aide" in body
    assert "Toutes les démarches" in body
    searches = list(KioskEvent.objects.filter(centre=centre_a, kind=KioskEvent.Kind.SEARCH).order_by("id"))
    assert [(s.query, s.results) for s in searches] == [("carte vitale", 1), ("permis bateau", 0)]


def test_a_search_of_any_length_or_markup_is_shown_as_text(client, centre_a):
    response = client.get(
        f"/borne/{centre_a.slug}/recherche/", {"q": "<script>alert(1)</script>" + "x" * 5000}
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "<script>alert" not in body and "&lt;script&gt;alert(1)&lt;/script&gt;" in body
    assert "Aucune démarche ne correspond" in visible_text(response)
    assert len(KioskEvent.objects.get().query) <= 60


def test_searches_made_in_preview_are_not_counted(client, centre_a):
    found_titles(client, centre_a, "caf", apercu="1")
    assert not KioskEvent.objects.exists()


def test_a_local_link_is_found_by_its_keywords(client, centre_a):
    services.kiosk_for(centre_a)
    services.save_local_link(
        Tile(),
        centre=centre_a,
        title="Cantine scolaire",
        url="https://www.lille.fr/cantine",
        theme=Theme.objects.get(slug="local"),
        keywords="périscolaire, inscription école",
    )
    body, _ = found_titles(client, centre_a, "periscolaire")
    assert "1 résultat" in body and "Cantine scolaire" in body


@given(st.text(max_size=120))
@settings(max_examples=200, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_what_is_kept_of_a_search_never_holds_a_number_or_an_address(words):
    kept = text.clean_search(words)
    assert not any(c.isdigit() for c in kept if c.isascii())
    assert "@" not in kept
    assert len(kept) <= text.SEARCH_KEPT


# --- Besoin d'aide ? ------------------------------------------------------------------------------------


def place(centre, name, latitude, *, categories=("demarches-en-ligne",), federation=None, **fields):
    structure = Structure.objects.create(
        federation_id=federation or centre.territory.federation_id,
        name=name,
        city="Lille",
        latitude=Decimal(latitude),
        longitude=Decimal("3.06"),
        phone="+33320000000",
        hours=directory.check_week([[(time(0, 0), time(23, 59))]] * 7),
        **fields,
    )
    structure.categories.set(ServiceCategory.objects.filter(slug__in=categories))
    return structure


def test_help_lists_the_places_that_help_nearest_first(client, centre_a):
    place(centre_a, "Médiathèque loin", "50.70")
    place(centre_a, "France Services proche", "50.631")
    place(centre_a, "Club de foot", "50.632", categories=("familles",))
    place(centre_a, "CCAS fermé", "50.633", is_active=False)
    other = FederationFactory(slug="ailleurs")
    place(centre_a, "Permanence d'un autre réseau", "50.631", federation=other.pk)
    body = visible_text(client.get(f"/borne/{centre_a.slug}/besoin-d-aide/"))
    assert body.index("France Services proche") < body.index("Médiathèque loin")
    assert "Club de foot" not in body and "CCAS fermé" not in body and "autre réseau" not in body
    assert "03 20 00 00 00" in body
    assert "Ouvert maintenant" in body


# --- Help sheets ----------------------------------------------------------------------------------------


def test_the_kiosk_shows_its_own_sheet_else_one_the_network_shares(client, centre_a, centre_b):
    tiles_of(centre_a)
    ameli = Procedure.objects.get(slug="ameli")
    HelpSheet.objects.create(
        centre=centre_b, procedure=ameli, title="Ameli, la fiche de Bêta", is_shared=True
    )
    HelpSheet.objects.create(centre=centre_b, procedure=ameli, title="Brouillon de Bêta", is_shared=False)
    url = f"/borne/{centre_a.slug}/fiche/ameli/"
    assert "Ameli, la fiche de Bêta" in visible_text(client.get(url))
    HelpSheet.objects.create(
        centre=centre_a, procedure=ameli, title="Ameli, notre fiche", to_bring="- la **carte Vitale**"
    )
    body = visible_text(client.get(url))
    assert "Ameli, notre fiche" in body and "la carte Vitale" in body
    assert "Fiche d'aide : Ameli - Assurance Maladie" in visible_text(home(client, centre_a))
    pdf = client.get(f"{url}fiche.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert client.get(f"/borne/{centre_a.slug}/fiche/msa/").status_code == 404  # no sheet for MSA


# --- End of session and survey --------------------------------------------------------------------------


def test_ending_a_session_shows_the_checklist_and_takes_optional_answers(client, centre_a):
    url = f"/borne/{centre_a.slug}/fin/"
    body = visible_text(client.get(url))
    assert "Je me suis déconnecté(e)" in body and "J'ai fermé les pages" in body
    assert "revient seule à l'accueil après 3 minutes" in body
    client.post(url, {}, **SAME_ORIGIN)  # nothing answered: nothing stored
    assert not SurveyAnswer.objects.exists()
    response = client.post(url, {"resultat": "helped", "organisme": "caf", "age": "60+"}, **SAME_ORIGIN)
    assert "Merci pour vos réponses" in visible_text(response)
    answer = SurveyAnswer.objects.get()
    assert (answer.centre, answer.outcome, answer.organisation, answer.age_band) == (
        centre_a,
        "helped",
        "caf",
        "60+",
    )


def test_the_survey_needs_no_csrf_cookie(centre_a):
    from django.test import Client

    response = Client(enforce_csrf_checks=True).post(
        f"/borne/{centre_a.slug}/fin/", {"age": "-26"}, **SAME_ORIGIN
    )
    assert response.status_code == 200 and not response.cookies
    assert SurveyAnswer.objects.get().age_band == "-26"


def test_a_forged_survey_answer_is_refused_in_french_and_not_stored(client, centre_a):
    response = client.post(
        f"/borne/{centre_a.slug}/fin/", {"resultat": "<script>", "age": "200"}, **SAME_ORIGIN
    )
    assert response.status_code == 400
    assert "choisissez une des réponses proposées" in visible_text(response)
    assert not SurveyAnswer.objects.exists()


# --- Events ---------------------------------------------------------------------------------------------


def post_events(client, centre, payload, raw=None, origin="http://testserver"):
    body = raw if raw is not None else json.dumps(payload)
    headers = {"HTTP_ORIGIN": origin} if origin else {}
    return client.post(f"/borne/{centre.slug}/evenements/", body, content_type="text/plain", **headers)


def test_visits_clicks_and_ends_are_stored_with_the_servers_clock(client, centre_a):
    tile = tiles_of(centre_a)["ameli"]
    before = timezone.now()
    response = post_events(
        client, centre_a, [{"type": "visite"}, {"type": "clic", "tuile": tile.pk}, {"type": "fin"}]
    )
    assert response.status_code == 204
    events = list(KioskEvent.objects.order_by("id"))
    assert [(e.kind, e.tile_id, e.centre_id) for e in events] == [
        (KioskEvent.Kind.VISIT, None, centre_a.pk),
        (KioskEvent.Kind.CLICK, tile.pk, centre_a.pk),
        (KioskEvent.Kind.END, None, centre_a.pk),
    ]
    assert all(e.at >= before for e in events)


@pytest.mark.parametrize(
    "payload, message",
    [
        ({"type": "clic", "tuile": 999999}, "Cette tuile n'est pas sur cette borne."),
        ({"type": "clic"}, "Cette tuile n'est pas sur cette borne."),
        ({"type": "clic", "tuile": "12"}, "Cette tuile n'est pas sur cette borne."),
        ({"type": "achat"}, "Type d'événement inconnu."),
        ({"type": "visite", "tuile": 1}, "Seul un clic désigne une tuile."),
        ({"type": "visite", "ip": "1.2.3.4"}, "Chaque événement est un objet {type, tuile}."),
        ([], "Entre 1 et 50 événements par envoi."),
        ([{"type": "visite"}] * 51, "Entre 1 et 50 événements par envoi."),
        ("visite", "Chaque événement est un objet {type, tuile}."),
    ],
)
def test_malformed_events_are_refused_whole(client, centre_a, payload, message):
    response = post_events(
        client, centre_a, [{"type": "visite"}, payload] if isinstance(payload, dict) else payload
    )
    assert response.status_code == 400
    assert response.json() == {"erreur": message}
    assert not KioskEvent.objects.exists()


def test_a_click_on_another_centres_tile_or_a_hidden_tile_is_refused(client, centre_a, centre_b):
    other = tiles_of(centre_b)["caf"]
    hidden = tiles_of(centre_a)["msa"]
    services.set_hidden(hidden, hidden=True)
    for tile in (other, hidden):
        response = post_events(client, centre_a, {"type": "clic", "tuile": tile.pk})
        assert response.status_code == 400
    assert not KioskEvent.objects.exists()


def test_a_tile_shown_by_another_process_counts_and_forged_tiles_cost_no_query(
    client, centre_a, django_assert_num_queries
):
    """Each process keeps the kiosk's tiles for minutes. A tile it does not know yet (shown again from
    another process, whose change it did not hear of) is read again, at most every few seconds."""
    import dataclasses

    from django.core.cache import cache

    tile = tiles_of(centre_a)["msa"]
    services.set_hidden(tile, hidden=True)
    assert post_events(client, centre_a, {"type": "visite"}).status_code == 204  # the kiosk is read
    Tile.objects.filter(pk=tile.pk).update(is_hidden=False)  # as another process would, unheard
    with django_assert_num_queries(0):
        assert post_events(client, centre_a, {"type": "clic", "tuile": tile.pk}).status_code == 400
    key = services.event_key_key(centre_a.slug)
    cache.set(key, dataclasses.replace(cache.get(key), read_at=0.0))  # read long ago
    assert post_events(client, centre_a, {"type": "clic", "tuile": tile.pk}).status_code == 204
    assert KioskEvent.objects.filter(tile=tile).count() == 1


def test_the_endpoint_refuses_what_is_not_json_too_big_or_for_no_centre(client, centre_a):
    assert post_events(client, centre_a, None, raw="pas du json").status_code == 400
    assert post_events(client, centre_a, None, raw=b"\xff\xfe").status_code == 400
    assert (
        post_events(client, centre_a, None, raw="[" + ",".join(['{"type":"visite"}'] * 600) + "]").status_code
        == 413
    )
    assert (
        client.post(
            "/borne/nulle-part/evenements/", "{}", content_type="text/plain", **SAME_ORIGIN
        ).status_code
        == 404
    )
    assert client.get(f"/borne/{centre_a.slug}/evenements/").status_code == 405
    assert not KioskEvent.objects.exists()


def test_one_client_is_limited_per_minute(client, centre_a, settings):
    settings.CSC_KIOSK_EVENTS_PER_MINUTE = 3
    assert post_events(client, centre_a, [{"type": "visite"}] * 2).status_code == 204
    assert post_events(client, centre_a, {"type": "visite"}).status_code == 204
    response = post_events(client, centre_a, {"type": "visite"})
    assert response.status_code == 429
    assert response.json() == {"erreur": "Trop d'envois : réessayez dans une minute."}
    assert KioskEvent.objects.count() == 3
    other_client = post_events(client.__class__(REMOTE_ADDR="10.0.0.2"), centre_a, {"type": "visite"})
    assert other_client.status_code == 204


def test_the_events_shortcut_takes_exactly_the_events_address(client, centre_a):
    """KioskEventsMiddleware answers the events before the URL resolver: its pattern must stay the
    address urls.py gives them, and leave every other address to the resolver."""
    from django.urls import reverse

    from csc.kiosk.middleware import EVENTS_PATH

    assert EVENTS_PATH.match(reverse("kiosk:events", args=[centre_a.slug]))["slug"] == centre_a.slug
    for other in ("kiosk:home", "kiosk:end", "kiosk:search"):
        assert not EVENTS_PATH.match(reverse(other, args=[centre_a.slug]))
    assert not EVENTS_PATH.match(f"/borne/{centre_a.slug}/evenements/x")
    assert not EVENTS_PATH.match(f"/borne/{centre_a.slug}/evenements/\n")
    # Answered by the shortcut: none of the headers the middlewares below it would add.
    response = post_events(client, centre_a, {"type": "visite"})
    assert response.status_code == 204
    assert "Content-Language" not in response and "X-Frame-Options" not in response
    assert KioskEvent.objects.filter(centre=centre_a, kind=KioskEvent.Kind.VISIT).count() == 1


def test_an_event_costs_one_query(client, centre_a, django_assert_num_queries):
    tile = tiles_of(centre_a)["caf"]
    post_events(client, centre_a, {"type": "visite"})  # the kiosk's tiles are now cached
    with django_assert_num_queries(1):
        assert post_events(client, centre_a, {"type": "clic", "tuile": tile.pk}).status_code == 204


@pytest.mark.django_db(transaction=True)
def test_events_skip_the_disk_flush_for_their_own_commit_only(centre_a):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("synchronous_commit is PostgreSQL's")
    tile = tiles_of(centre_a)["caf"]
    services.store_events(
        [KioskEvent(centre_id=centre_a.pk, kind=KioskEvent.Kind.CLICK, tile_id=tile.pk, at=timezone.now())]
        * 3
    )
    assert KioskEvent.objects.filter(tile=tile).count() == 3
    with connection.cursor() as cursor:
        cursor.execute("SHOW synchronous_commit")
        assert cursor.fetchone()[0] == "on"  # the next writes wait for the disk again


def test_the_rate_limit_forgets_the_address_with_the_minute(settings):
    from csc.core.ratelimit import allowed

    settings.CSC_KIOSK_EVENTS_PER_MINUTE = 2
    assert allowed(services.events_limit(), client="10.1.1.1", cost=2, now=60.0)
    assert not allowed(services.events_limit(), client="10.1.1.1", cost=1, now=61.0)
    assert allowed(services.events_limit(), client="10.1.1.1", cost=1, now=121.0)


@given(
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(max_size=8),
        lambda inner: (
            st.lists(inner, max_size=4)
            | st.dictionaries(st.sampled_from(["type", "tuile", "x"]), inner, max_size=3)
        ),
        max_leaves=10,
    )
)
@settings(max_examples=300, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_any_json_is_either_valid_events_or_a_refusal(value):
    key = services.KioskKey(centre_id=1, tile_ids=frozenset({7}))
    try:
        events = services.parse_events(json.dumps(value).encode(), key)
    except services.EventRefused:
        return
    assert 1 <= len(events) <= services.MAX_EVENTS_PER_REQUEST
    assert all(e.tile_id in (None, 7) and e.centre_id == 1 for e in events)


def test_a_kept_batch_sent_twice_is_counted_once(client, centre_a):
    """kiosk.js keeps the counts the server could not store and sends them again as a batch with an
    id: the same batch again (its answer lost as the page left) is not counted a second time."""
    tile = tiles_of(centre_a)["ameli"]
    batch = {"lot": "a1b2c3d4e5f6", "evenements": [{"type": "visite"}, {"type": "clic", "tuile": tile.pk}]}
    assert post_events(client, centre_a, batch).status_code == 204
    assert post_events(client, centre_a, batch).status_code == 204
    assert sorted(KioskEvent.objects.values_list("kind", flat=True)) == sorted(
        [KioskEvent.Kind.VISIT, KioskEvent.Kind.CLICK]
    )
    another = {"lot": "ffff0000", "evenements": [{"type": "visite"}]}
    assert post_events(client, centre_a, another).status_code == 204
    assert KioskEvent.objects.filter(kind=KioskEvent.Kind.VISIT).count() == 2


@pytest.mark.parametrize(
    "batch",
    [
        {"lot": "", "evenements": [{"type": "visite"}]},
        {"lot": "x" * 41, "evenements": [{"type": "visite"}]},
        {"lot": "pas un id", "evenements": [{"type": "visite"}]},
        {"lot": "éèà", "evenements": [{"type": "visite"}]},
        {"lot": 12, "evenements": [{"type": "visite"}]},
        {"lot": "abc", "evenements": {"type": "visite"}},
        {"lot": "abc", "evenements": []},
        {"lot": "abc", "evenements": [{"type": "visite"}], "x": 1},
    ],
)
def test_a_malformed_batch_is_refused_whole(client, centre_a, batch):
    response = post_events(client, centre_a, batch)
    assert response.status_code == 400
    assert response.json()["erreur"]
    assert not KioskEvent.objects.exists()

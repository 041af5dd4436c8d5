"""Finding sheets, on SQLite and on PostgreSQL: accents and case ignored, word beginnings, filters, best
matches first, another centre's unshared sheets never found; the search page and the API."""

from __future__ import annotations

import pytest
from django.db import connection
from django.urls import reverse

from csc.animation import sheets
from csc.animation.models import ActivitySheet, Objective, PedagogicalProject, SheetFavourite
from csc.animation.search import SheetFilters, filter_sheets
from csc.testing.pages import page_text, visible_text

NETWORK = ActivitySheet.Visibility.NETWORK
CENTRE_ONLY = ActivitySheet.Visibility.CENTRE


def sheet(centre, author, title, *, publish=True, objectives=(), **extra) -> ActivitySheet:
    data = {
        "title": title,
        "summary": "Une activité pour le groupe.",
        "kind": ActivitySheet.Kind.CRAFTS,
        "min_age": 6,
        "max_age": 10,
        "duration_minutes": 45,
        "materials": "Papier",
        "steps": "Commencer\nFinir",
        "visibility": NETWORK,
        **extra,
    }
    return sheets.create_sheet(
        centre=centre, author=author, data=data, objectives=objectives, publish=publish
    ).sheet


def objective(centre, text) -> Objective:
    project, _ = PedagogicalProject.objects.get_or_create(centre=centre, activity=None)
    return Objective.objects.create(project=project, centre=centre, text=text)


@pytest.fixture
def animator_a(staff):
    return staff("animator", "a")


@pytest.fixture
def animator_b(staff):
    return staff("animator", "b")


def titles(queryset) -> list[str]:
    return [s.title for s in queryset]


def found(centre, **filters) -> list[str]:
    return titles(filter_sheets(ActivitySheet.objects.readable_in(centre.pk), SheetFilters(**filters)))


# --- the words -------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_accents_and_case_are_ignored(centre_a, animator_a):
    sheet(centre_a, animator_a, "Gâteau au yaourt", kind=ActivitySheet.Kind.COOKING)
    sheet(centre_a, animator_a, "Course d'orientation", kind=ActivitySheet.Kind.OUTDOOR)
    assert found(centre_a, text="gateau") == ["Gâteau au yaourt"]
    assert found(centre_a, text="GÂTEAU Yaourt") == ["Gâteau au yaourt"]
    assert found(centre_a, text="gâteau chocolat") == []


@pytest.mark.django_db
def test_the_beginning_of_a_word_finds_it(centre_a, animator_a):
    sheet(centre_a, animator_a, "Peinture propre")
    sheet(centre_a, animator_a, "Pâte à sel")
    assert found(centre_a, text="peint") == ["Peinture propre"]


@pytest.mark.django_db
def test_words_of_the_steps_and_materials_are_found(centre_a, animator_a):
    sheet(centre_a, animator_a, "Fusée", steps="Remplir la bouteille d'eau\nPomper")
    assert found(centre_a, text="bouteille") == ["Fusée"]


@pytest.mark.django_db
def test_a_title_match_comes_before_a_steps_only_match(centre_a, animator_a):
    # The steps-only sheet is the most recent: without ranking it would come first.
    sheet(centre_a, animator_a, "Marionnettes en chaussettes")
    sheet(centre_a, animator_a, "Théâtre d'ombres", steps="Fabriquer des marionnettes\nJouer")
    assert found(centre_a, text="marionnettes") == ["Marionnettes en chaussettes", "Théâtre d'ombres"]


@pytest.mark.django_db
def test_a_title_match_comes_first_even_when_the_title_has_accents_the_search_has_not(centre_a, animator_a):
    sheet(centre_a, animator_a, "Pâte à sel")
    sheet(centre_a, animator_a, "Bonshommes", materials="Pâte à modeler", steps="Étaler la pâte\nDécouper")
    assert found(centre_a, text="pate") == ["Pâte à sel", "Bonshommes"]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="weights of the French full-text search")
@pytest.mark.django_db
def test_on_postgresql_the_title_outranks_the_steps_whatever_the_word_form(centre_a, animator_a):
    sheet(centre_a, animator_a, "Jeu de la marionnette")
    sheet(centre_a, animator_a, "Atelier d'expression", steps="Fabriquer des marionnettes\nJouer")
    assert found(centre_a, text="marionnettes") == ["Jeu de la marionnette", "Atelier d'expression"]


# --- the filters ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_each_filter(centre_a, animator_a):
    goal = objective(centre_a, "Coopérer")
    sheet(
        centre_a,
        animator_a,
        "Petits",
        min_age=3,
        max_age=5,
        duration_minutes=30,
        kind=ActivitySheet.Kind.GAME,
    )
    sheet(
        centre_a,
        animator_a,
        "Grands",
        min_age=11,
        max_age=14,
        duration_minutes=120,
        materials="Carton\nPeinture acrylique",
        objectives=[goal],
    )
    assert found(centre_a, age=4) == ["Petits"]
    assert found(centre_a, age=12) == ["Grands"]
    assert found(centre_a, age=8) == []
    assert found(centre_a, kind=ActivitySheet.Kind.GAME) == ["Petits"]
    assert found(centre_a, max_duration=60) == ["Petits"]
    assert found(centre_a, materials="cartons") == []
    assert found(centre_a, materials="carton acrylique") == ["Grands"]
    assert found(centre_a, materials="PEINTURE") == ["Grands"]
    assert found(centre_a, objective_id=goal.pk) == ["Grands"]


@pytest.mark.django_db
def test_another_centres_unshared_sheets_are_never_found(centre_a, centre_b, animator_a, animator_b):
    sheet(centre_b, animator_b, "Cuisine partagée")
    sheet(centre_b, animator_b, "Cuisine brouillon", publish=False)
    sheet(centre_b, animator_b, "Cuisine interne", visibility=CENTRE_ONLY)
    sheet(centre_a, animator_a, "Cuisine de chez nous", publish=False, visibility=CENTRE_ONLY)
    assert sorted(found(centre_a, text="cuisine")) == ["Cuisine de chez nous", "Cuisine partagée"]
    assert sorted(found(centre_a)) == ["Cuisine de chez nous", "Cuisine partagée"]


# --- the page ---------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_search_page_shows_cards_and_the_scopes(client, centre_a, centre_b, animator_a, animator_b):
    mine = sheet(centre_a, animator_a, "Gâteau au yaourt", summary="Mesurer avec le pot.")
    draft = sheet(centre_a, animator_a, "Idée en cours", publish=False)
    theirs = sheet(centre_b, animator_b, "Gâteau de Bêta")
    SheetFavourite.objects.create(user=animator_a, sheet=theirs)
    client.force_login(animator_a)
    url = reverse("animation:sheet_list")
    response = client.get(url, {"q": "gateau"})
    text = visible_text(response)
    assert "Résultats (2)" in text
    assert "Gâteau au yaourt Activité manuelle et arts plastiques · 6 à 10 ans · 45 min Centre Alpha" in text
    assert "Mesurer avec le pot." in text
    assert 'aria-pressed="true" aria-label="Favori : Gâteau de Bêta"' in page_text(response)

    def scope(name):
        return titles(client.get(url, {"portee": name}).context["page"])

    assert scope("centre") == [draft.title, mine.title]
    assert scope("reseau") == [theirs.title]
    assert scope("favoris") == [theirs.title]
    assert scope("brouillons") == [draft.title]


@pytest.mark.django_db
def test_wrong_filter_values_are_set_aside_with_a_notice(client, centre_a, animator_a):
    sheet(centre_a, animator_a, "Gâteau au yaourt")
    client.force_login(animator_a)
    response = client.get(
        reverse("animation:sheet_list"),
        {
            "q": "gateau",
            "age": "abc",
            "duree": "-3",
            "type": "inconnu",
            "objectif": "999",
            "portee": "x",
            "page": "zz",
        },
    )
    assert response.status_code == 200
    text = visible_text(response)
    assert "L'âge « abc » n'est pas un nombre entre 0 et 99 : ce filtre est ignoré." in text
    assert "La durée « -3 » n'est pas un nombre entre 1 et 1440 : ce filtre est ignoré." in text
    assert "Ce type d'activité n'existe pas" in text
    assert "Cet objectif n'est pas dans le projet de votre centre" in text
    assert titles(response.context["page"]) == ["Gâteau au yaourt"]
    response = client.get(reverse("animation:sheet_list"), {"age": "7", "q": "x" * 5000 + "\x00"})
    assert response.status_code == 200


@pytest.mark.django_db
def test_the_search_page_makes_the_same_queries_for_three_or_sixty_results(
    client, centre_a, centre_b, animator_a, animator_b, django_assert_max_num_queries
):
    goal = objective(centre_a, "Coopérer")
    client.force_login(animator_a)
    url = reverse("animation:sheet_list")
    for number in range(3):
        sheet(centre_b, animator_b, f"Jeu {number}")
    with django_assert_max_num_queries(9) as few:
        assert client.get(url, {"q": "jeu", "objectif": ""}).status_code == 200
    for number in range(3, 60):
        made = sheet(centre_a if number % 2 else centre_b, animator_b, f"Jeu {number}", objectives=[])
        SheetFavourite.objects.create(user=animator_a, sheet=made)
    made.objectives.add(goal)
    # A full first page costs the count and the page again (CountSparingPaginator): two more, then flat.
    with django_assert_max_num_queries(len(few.captured_queries) + 2):
        response = client.get(url, {"q": "jeu"})
    assert len(response.context["page"].object_list) == 20
    assert "Page 1 sur 3 (60 résultats)" in visible_text(response)


@pytest.mark.django_db
def test_the_api_finds_readable_sheets_only(client, centre_a, centre_b, animator_a, animator_b):
    shared = sheet(centre_b, animator_b, "Gâteau partagé", steps="Mélanger\nCuire")
    hidden = sheet(centre_b, animator_b, "Gâteau interne", visibility=CENTRE_ONLY)
    client.force_login(animator_a)
    body = client.get("/api/v1/activity-sheets", {"q": "gateau"}).json()
    assert body["count"] == 1
    assert body["items"][0]["title"] == "Gâteau partagé"
    assert body["items"][0]["centre_name"] == "Centre Bêta"
    detail = client.get(f"/api/v1/activity-sheets/{shared.pk}").json()
    assert detail["steps"] == ["Mélanger", "Cuire"]
    assert client.get(f"/api/v1/activity-sheets/{hidden.pk}").status_code == 404
    assert client.get("/api/v1/activity-sheets", {"age": "abc"}).status_code == 422
    assert client.get("/api/v1/activity-sheets/99999999999999").status_code == 404
    # Characters of the full-text query language are words' separators, never operators.
    weird = client.get("/api/v1/activity-sheets", {"q": "gat:* & | !(eau) <-> \x00", "materials": "a:*|b"})
    assert weird.status_code == 200

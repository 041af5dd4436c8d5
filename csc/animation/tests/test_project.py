"""The pedagogical project: written by the director or the coordinator, read by the animation team,
never seen from another centre."""

from datetime import date

import pytest

from csc.activities.demo import build_leisure_centre
from csc.animation import project
from csc.animation.models import ActivitySheet, Objective, PedagogicalProject
from csc.animation.search import SheetFilters, filter_sheets, refresh_search_columns
from csc.testing.pages import page_text

TODAY = date(2026, 11, 20)


@pytest.fixture
def leisure(centre_a):
    return build_leisure_centre(centre_a, today=TODAY)


def test_objectives_nest_in_order_and_refuse_what_makes_no_sense(centre_a, staff):
    director = staff("director")
    centre_project = project.get_or_create_project(centre_a)
    autonomy = project.add_objective(
        centre_project, text="  Développer l'autonomie  ", level="general", user=director
    )
    together = project.add_objective(centre_project, text="Vivre ensemble", level="general", user=director)
    choose = project.add_objective(
        centre_project,
        text="Laisser les enfants choisir",
        level="operationnel",
        parent=autonomy,
        user=director,
    )
    project.move_objective(together, up=True, user=director)
    tree = project.objective_tree(centre_project)
    assert [g.objective.text for g in tree] == ["Vivre ensemble", "Développer l'autonomie"]
    assert tree[1].operational == [choose]

    with pytest.raises(project.ProjectRefused, match="choisissez lequel"):
        project.add_objective(centre_project, text="Sans parent", level="operationnel", user=director)
    with pytest.raises(project.ProjectRefused, match="Écrivez l'objectif"):
        project.add_objective(centre_project, text="   ", level="general", user=director)
    with pytest.raises(project.ProjectRefused, match="objectif général de ce projet"):
        project.add_objective(
            centre_project, text="Sous un opérationnel", level="operationnel", parent=choose, user=director
        )


def test_a_leisure_centre_has_its_own_project_and_another_activity_none(centre_a, centre_b, leisure):
    own = project.get_or_create_project(centre_a, leisure.activity)
    assert own.activity == leisure.activity
    assert project.get_or_create_project(centre_a, leisure.activity) == own
    foreign = build_leisure_centre(centre_b, today=TODAY)
    with pytest.raises(project.ProjectRefused):
        project.get_or_create_project(centre_a, foreign.activity)


def test_rewording_an_objective_keeps_its_sheets_and_feeds_the_search(centre_a, staff):
    director = staff("director")
    centre_project = project.get_or_create_project(centre_a)
    objective = project.add_objective(
        centre_project, text="Découvrir la nature", level="general", user=director
    )
    sheet = ActivitySheet.objects.create(centre=centre_a, title="Cabane en branches")
    sheet.objectives.add(objective)
    refresh_search_columns([sheet.pk])
    project.update_objective(objective, text="Respecter l'environnement", user=director)
    readable = ActivitySheet.objects.readable_in(centre_a.pk)
    assert list(filter_sheets(readable, SheetFilters(text="environnement"))) == [sheet]
    assert list(filter_sheets(readable, SheetFilters(objective_id=objective.pk))) == [sheet]

    use = project.delete_objective(objective, user=director)
    assert (use.sheets, use.entries) == (1, 0)
    assert ActivitySheet.objects.filter(pk=sheet.pk).exists()
    assert list(filter_sheets(readable, SheetFilters(text="environnement"))) == []


def test_the_director_writes_the_project_through_the_page(client, centre_a, director_a):
    client.force_login(director_a)
    response = client.post(
        "/projet-pedagogique/",
        {"action": "intentions", "introduction": "Faire avec les enfants."},
        follow=True,
    )
    assert "Intentions enregistrées." in page_text(response)
    response = client.post(
        "/projet-pedagogique/", {"action": "objectif", "level": "general", "text": "Développer l'autonomie"}
    )
    assert response.status_code == 302
    general = Objective.objects.get(centre=centre_a)

    # An operational objective without its general one: a clear message, the text kept.
    response = client.post(
        "/projet-pedagogique/", {"action": "objectif", "level": "operationnel", "text": "Ranger seuls"}
    )
    text = page_text(response)
    assert "Choisissez l'objectif général que cet objectif opérationnel précise." in text
    assert "Ranger seuls" in response.content.decode()
    client.post(
        "/projet-pedagogique/",
        {"action": "objectif", "level": "operationnel", "text": "Ranger seuls", "parent": general.pk},
    )
    text = page_text(client.get("/projet-pedagogique/"))
    assert "Faire avec les enfants." in text
    assert text.index("Développer l'autonomie") < text.index("Ranger seuls")

    response = client.post(f"/projet-pedagogique/objectifs/{general.pk}/supprimer/", follow=True)
    assert "Objectif retiré." in page_text(response)
    assert not Objective.objects.filter(centre=centre_a).exists()  # its operational one went with it


def test_an_animator_reads_the_project_but_cannot_write_it(client, centre_a, staff):
    centre_project = project.get_or_create_project(centre_a)
    objective = project.add_objective(centre_project, text="Vivre ensemble", level="general", user=None)
    client.force_login(staff("animator"))
    response = client.get("/projet-pedagogique/")
    assert "Vivre ensemble" in page_text(response)
    assert "Ajouter un objectif" not in page_text(response)
    client.post("/projet-pedagogique/", {"action": "objectif", "level": "general", "text": "Pirate"})
    assert client.get(f"/projet-pedagogique/objectifs/{objective.pk}/modifier/").status_code == 404
    assert client.post(f"/projet-pedagogique/objectifs/{objective.pk}/supprimer/").status_code == 404
    assert list(Objective.objects.values_list("text", flat=True)) == ["Vivre ensemble"]


def test_another_centres_project_is_out_of_reach(client, centre_a, centre_b, director_a):
    foreign = project.get_or_create_project(centre_b)
    secret = project.add_objective(foreign, text="Objectif secret du centre B", level="general", user=None)
    leisure_b = build_leisure_centre(centre_b, today=TODAY)
    client.force_login(director_a)
    assert "Objectif secret" not in page_text(client.get("/projet-pedagogique/"))
    assert client.get(f"/projet-pedagogique/accueils/{leisure_b.activity.pk}/").status_code == 404
    for url in (
        f"/projet-pedagogique/objectifs/{secret.pk}/modifier/",
        f"/projet-pedagogique/objectifs/{secret.pk}/supprimer/",
        f"/projet-pedagogique/objectifs/{secret.pk}/deplacer/",
    ):
        assert client.post(url, {"text": "Pirate", "sens": "haut"}).status_code == 404
    secret.refresh_from_db()
    assert secret.text == "Objectif secret du centre B"
    # A general objective of B posted as the parent of A's operational objective is refused.
    response = client.post(
        "/projet-pedagogique/",
        {"action": "objectif", "level": "operationnel", "text": "Pirate", "parent": secret.pk},
    )
    assert "Choisissez un objectif général de ce projet." in page_text(response)
    assert not PedagogicalProject.objects.filter(centre=centre_a, objectives__text="Pirate").exists()


def test_the_project_page_of_a_leisure_centre(client, centre_a, staff, leisure, otp_verified):
    client.force_login(staff("coordinator"))
    url = f"/projet-pedagogique/accueils/{leisure.activity.pk}/"
    client.post(url, {"action": "objectif", "level": "general", "text": "Découvrir le quartier"})
    assert (
        PedagogicalProject.objects.get(activity=leisure.activity).objectives.get().text
        == "Découvrir le quartier"
    )
    assert f"Projet de « {leisure.activity.name} »" in page_text(client.get("/projet-pedagogique/"))

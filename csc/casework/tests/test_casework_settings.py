"""The direction's settings of the social follow-up: scopes, issues, situation lines, templates."""

from csc.casework.models import LetterTemplate, Scope, SituationField, SocialIssue
from csc.testing.pages import visible_text


def director_of(staff, otp_verified, centre="a"):
    return staff("director", centre)


def test_a_director_sets_up_scopes_issues_lines_and_templates(client, staff, otp_verified, centre_a):
    director = director_of(staff, otp_verified)
    worker = staff("social_worker", "a", user__first_name="Nadia", user__last_name="Benali")
    client.force_login(director)
    page = client.get("/accompagnement/reglages/")
    assert page.status_code == 200 and "Insertion" in visible_text(
        page
    )  # the defaults, created on first visit

    response = client.post(
        "/accompagnement/reglages/cercles/nouveau/", {"name": "Jeunesse", "workers": [worker.pk]}
    )
    assert response.status_code == 302
    assert list(Scope.objects.get(name="Jeunesse").workers.all()) == [worker]

    client.post("/accompagnement/reglages/problematiques/", {"name": "Surendettement"})
    issue = SocialIssue.objects.get(name="Surendettement")
    client.post(f"/accompagnement/reglages/problematiques/{issue.pk}/")
    issue.refresh_from_db()
    assert not issue.is_active

    response = client.post(
        "/accompagnement/reglages/rubriques/nouvelle/",
        {
            "label": "Situation familiale",
            "kind": "choice",
            "choices": "Seul(e)\n\nEn couple\n",
            "position": "1",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    assert SituationField.objects.get().choice_list == ["Seul(e)", "En couple"]

    response = client.post(
        "/accompagnement/reglages/modeles/nouveau/",
        {
            "kind": "letter",
            "name": "Courrier CAF",
            "body": "Madame, Monsieur, {prenom} {nom}…",
            "is_active": "on",
        },
    )
    assert response.status_code == 302 and LetterTemplate.objects.filter(name="Courrier CAF").exists()
    text = visible_text(client.get("/accompagnement/reglages/"))
    assert "Jeunesse — Nadia Benali" in text and "Surendettement (retirée)" in text
    assert "Situation familiale" in text and "Courrier CAF" in text


def test_bad_settings_are_refused_in_french_and_what_was_typed_stays(client, staff, otp_verified, centre_a):
    client.force_login(director_of(staff, otp_verified))
    client.get("/accompagnement/reglages/")
    response = client.post("/accompagnement/reglages/cercles/nouveau/", {"name": "famille"})
    assert (
        response.status_code == 400
        and "Le cercle « famille » existe déjà dans votre centre." in visible_text(response)
    )
    response = client.post("/accompagnement/reglages/problematiques/", {"name": ""})
    assert response.status_code == 400 and "Nommez la problématique." in visible_text(response)
    response = client.post(
        "/accompagnement/reglages/rubriques/nouvelle/",
        {"label": "Logement actuel", "kind": "choice", "choices": "Locataire", "position": "un"},
    )
    assert response.status_code == 400 and "Saisissez un nombre entier" in visible_text(response)
    response = client.post(
        "/accompagnement/reglages/rubriques/nouvelle/",
        {"label": "Logement actuel", "kind": "choice", "choices": "Locataire", "position": "1"},
    )
    assert (
        "au moins deux choix" in visible_text(response)
        and 'value="Logement actuel"' in response.content.decode()
    )
    response = client.post(
        "/accompagnement/reglages/modeles/nouveau/",
        {"kind": "letter", "name": "Relance", "body": "Bonjour {prenon}, {{ settings.SECRET_KEY }}"},
    )
    assert response.status_code == 400 and "Champs inconnus : {prenon}." in visible_text(response)
    assert not SituationField.objects.exists() and not LetterTemplate.objects.filter(name="Relance").exists()


def test_a_scope_cannot_take_a_worker_of_another_centre(client, staff, otp_verified, centre_a):
    outsider = staff("social_worker", "b")
    client.force_login(director_of(staff, otp_verified))
    response = client.post(
        "/accompagnement/reglages/cercles/nouveau/", {"name": "Jeunesse", "workers": [outsider.pk]}
    )
    assert response.status_code == 400 and not Scope.objects.filter(name="Jeunesse").exists()


def test_settings_are_the_direction_s_and_another_centre_s_are_404(
    client, staff, otp_verified, centre_a, centre_b
):
    from csc.casework import services

    services.ensure_defaults(centre_b)
    foreign = centre_b.casework_scopes.first()
    client.force_login(staff("social_worker", "a"))
    assert client.get("/accompagnement/reglages/").status_code == 404
    client.force_login(director_of(staff, otp_verified))
    assert client.get(f"/accompagnement/reglages/cercles/{foreign.pk}/").status_code == 404
    assert client.post(f"/accompagnement/reglages/cercles/{foreign.pk}/", {"name": "Pris"}).status_code == 404
    foreign.refresh_from_db()
    assert foreign.name != "Pris"

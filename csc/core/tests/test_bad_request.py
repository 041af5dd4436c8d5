"""Requests Django refuses to read get a French page that says what was too large and what to do, status
400, never a 500 and never Django's bare English « Bad Request (400) »; a long file name that can be
received is shortened and the form simply works."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from csc.activities.models import AttendanceImport
from csc.testing.pages import visible_text

CSV = "Date;Activité;Nom;Prénom\r\n01/02/2024;Atelier couture;Martin;Léa\r\n".encode()


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def named_file(name: str, content: bytes) -> io.BytesIO:
    """A file as a browser sends it, with its name untouched (SimpleUploadedFile would cut it to 255)."""
    upload = io.BytesIO(content)
    upload.name = name
    return upload


def assert_french_400(response, *expected: str) -> str:
    assert response.status_code == 400
    page = response.content.decode()
    assert '<html lang="fr">' in page
    assert "Bad Request" not in page
    text = visible_text(response)
    for sentence in expected:
        assert sentence in text
    return text


def test_a_body_over_the_size_limit_gets_a_french_page_naming_the_limit(client, db, settings):
    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE == 2_621_440
    body = "email=lea%40example.org&password=" + "x" * 3_000_000

    response = client.post(reverse("core:login"), body, content_type="application/x-www-form-urlencoded")

    text = assert_french_400(
        response,
        "Formulaire trop volumineux",
        "Ce que vous avez envoyé dépasse 2,5 Mo, la taille maximale d'un formulaire",
        "Raccourcissez les textes les plus longs",
        "Revenir au formulaire",
    )
    assert "Que faire ?" in text
    back = f'<a class="button" href="{reverse("core:login")}">Revenir au formulaire</a>'
    assert back in response.content.decode()


@pytest.mark.parametrize("encoding", ["multipart", "urlencoded"])
def test_too_many_fields_get_a_french_page(client, db, encoding):
    fields = {f"champ{n}": "x" for n in range(1001)}
    if encoding == "multipart":
        response = client.post(reverse("core:login"), fields)
    else:
        body = "&".join(f"{key}={value}" for key, value in fields.items())
        response = client.post(reverse("core:login"), body, content_type="application/x-www-form-urlencoded")

    assert_french_400(
        response,
        "Formulaire trop long",
        "Le formulaire envoyé contient plus de 1000 champs, le maximum accepté.",
    )


def test_too_many_files_get_a_french_page(client, db):
    files = [SimpleUploadedFile(f"piece-{n}.pdf", b"%PDF-1.4\n%%EOF\n") for n in range(101)]

    response = client.post(reverse("core:login"), {"fichiers": files})

    assert_french_400(response, "Trop de fichiers", "Plus de 100 fichiers ont été envoyés en une fois")


def test_a_file_name_of_10000_characters_gets_a_french_page_and_nothing_is_saved(login, director_a, centre_a):
    client = login(director_a)
    upload = named_file("a" * 10_000 + ".csv", CSV)

    response = client.post(reverse("activities:import_start"), {"file": upload})

    assert_french_400(
        response,
        "Nom de fichier trop long",
        "Renommez le fichier avec un nom plus court",
        "Revenir au formulaire",
    )
    assert not AttendanceImport.objects.exists()


def test_a_long_file_name_that_can_be_received_is_shortened_and_the_form_works(login, director_a, centre_a):
    client = login(director_a)
    name = "présences de l'atelier couture " * 18 + ".csv"  # 562 characters, 598 bytes
    assert len(name) > 255

    response = client.post(reverse("activities:import_start"), {"file": named_file(name, CSV)})

    batch = AttendanceImport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("activities:import_preview", args=[batch.pk])
    assert len(batch.file_name) <= 255 and batch.file_name.endswith(".csv")
    assert batch.file_name.startswith("présences de l'atelier couture")


def test_a_body_that_cannot_be_parsed_gets_a_french_page(client, db):
    response = client.post(reverse("core:login"), b"--x\r\nnimporte quoi", content_type="multipart/form-data")

    assert_french_400(response, "Envoi incomplet", "Revenez au formulaire et envoyez-le à nouveau.")


def test_any_other_suspicious_request_gets_the_french_page_and_the_api_answers_json(client, db, settings):
    settings.ALLOWED_HOSTS = ["csc.example"]

    response = client.get("/", HTTP_HOST="ailleurs.example")

    text = assert_french_400(response, "Demande incomprise", "Revenir à l'accueil")
    assert "Revenir au formulaire" not in text

    response = client.get("/api/v1/openapi.json", HTTP_HOST="ailleurs.example")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert response.json()["detail"].startswith("Votre demande n'a pas pu être comprise")


def test_the_way_back_never_leads_to_another_site(rf):
    from csc.core.errors import _form_path

    assert _form_path(rf.post("/compte/connexion/")) == "/compte/connexion/"
    assert _form_path(rf.get("/compte/connexion/")) == "", "a refused GET is not a form to go back to"
    for path in ("//ailleurs.example/", "/\\ailleurs.example/"):
        request = rf.post("/")
        request.path = path
        assert _form_path(request) == ""


def test_a_form_refused_by_the_csrf_check_gets_a_french_page_with_the_way_back(db):
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    response = browser.post(reverse("core:login"), {"email": "lea@example.org", "password": "x"})

    assert response.status_code == 403
    page = response.content.decode()
    assert '<html lang="fr">' in page
    text = visible_text(response)
    assert "CSRF" not in text and "Forbidden" not in text
    assert "Formulaire expiré" in text
    assert "Rechargez la page du formulaire" in text
    assert f'<a class="button" href="{reverse("core:login")}">Revenir au formulaire</a>' in page

"""Activity sheets: the rules of the services (publication, versions, conflicts, copies, attachments,
comments, favourites) and the pages that use them, including who may see and change what."""

from __future__ import annotations

import io
import re
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from csc.animation import sheets
from csc.animation.models import (
    ActivitySheet,
    Objective,
    PedagogicalProject,
    SheetAttachment,
    SheetComment,
    SheetFavourite,
    SheetVersion,
)
from csc.animation.sheet_forms import SheetForm
from csc.core.models import AuditEvent
from csc.testing.pages import page_text, visible_text

NETWORK = ActivitySheet.Visibility.NETWORK
CENTRE_ONLY = ActivitySheet.Visibility.CENTRE


# --- helpers -----------------------------------------------------------------------------------------


def complete(**extra) -> dict:
    data = {
        "title": "Gâteau au yaourt",
        "summary": "Un gâteau simple que les enfants mesurent au pot de yaourt.",
        "kind": ActivitySheet.Kind.COOKING,
        "min_age": 6,
        "max_age": 10,
        "duration_minutes": 60,
        "materials": "1 pot de yaourt\n3 œufs\nFarine",
        "steps": "Se laver les mains\nMélanger\nCuire 30 minutes",
        "visibility": NETWORK,
    }
    data.update(extra)
    return data


def make_sheet(centre, author, *, publish=True, objectives=(), **extra) -> ActivitySheet:
    return sheets.create_sheet(
        centre=centre, author=author, data=complete(**extra), objectives=objectives, publish=publish
    ).sheet


def objective(centre, text="Développer l'autonomie") -> Objective:
    project, _ = PedagogicalProject.objects.get_or_create(centre=centre, activity=None)
    return Objective.objects.create(project=project, centre=centre, text=text)


def png_bytes(size=(20, 20)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, format="PNG")
    return buffer.getvalue()


def pdf_objects(pdf: bytes) -> bytes:
    """The PDF's objects, decompressed: WeasyPrint packs them in compressed streams."""
    found = b""
    for match in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S):
        try:
            found += zlib.decompress(match.group(1))
        except zlib.error:
            continue
    return found


PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def upload(name="photo.png", content=None, content_type="image/png"):
    return SimpleUploadedFile(
        name, content if content is not None else png_bytes(), content_type=content_type
    )


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def animator_a(staff):
    return staff("animator", "a", user__first_name="Awa", user__last_name="Diallo")


@pytest.fixture
def animator_b(staff):
    return staff("animator", "b", user__first_name="Marc", user__last_name="Carpentier")


@pytest.fixture
def director_a(staff, otp_verified):
    return staff("director", "a")


# --- publication -------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_draft_needs_only_a_title(centre_a, animator_a):
    outcome = sheets.create_sheet(centre=centre_a, author=animator_a, data={"title": "Idée de jeu"})
    assert outcome.sheet.status == ActivitySheet.Status.DRAFT
    assert outcome.sheet.version == 1
    assert SheetVersion.objects.filter(sheet=outcome.sheet, number=1).exists()
    with pytest.raises(sheets.SheetRefused, match="titre"):
        sheets.create_sheet(centre=centre_a, author=animator_a, data={"title": "  "})


@pytest.mark.django_db
def test_publishing_an_incomplete_sheet_keeps_it_as_a_draft_and_names_what_is_missing(centre_a, animator_a):
    outcome = sheets.create_sheet(
        centre=centre_a,
        author=animator_a,
        data={"title": "Balle au prisonnier", "kind": ActivitySheet.Kind.SPORT, "min_age": 8},
        publish=True,
    )
    assert outcome.sheet.status == ActivitySheet.Status.DRAFT
    assert outcome.missing == [
        "le résumé (« en quelques mots »)",
        "les âges (minimum et maximum)",
        "la durée",
        "au moins une étape du déroulement",
    ]
    # Nothing typed is lost: the draft holds it.
    assert ActivitySheet.objects.get(pk=outcome.sheet.pk).min_age == 8


@pytest.mark.django_db
def test_a_complete_sheet_is_published(centre_a, animator_a):
    sheet = make_sheet(centre_a, animator_a)
    assert sheet.status == ActivitySheet.Status.PUBLISHED
    assert sheets.missing_for_publication(sheet) == []
    assert sheets.missing_for_publication(ActivitySheet(title="x", steps="\n  \n")) == [
        "le résumé (« en quelques mots »)",
        "le type d'activité",
        "les âges (minimum et maximum)",
        "la durée",
        "au moins une étape du déroulement",
    ]


@pytest.mark.django_db
def test_the_service_refuses_ages_and_sizes_in_the_wrong_order(centre_a, animator_a):
    with pytest.raises(sheets.SheetRefused, match="âge minimum dépasse"):
        sheets.create_sheet(
            centre=centre_a, author=animator_a, data={"title": "x", "min_age": 9, "max_age": 3}
        )
    with pytest.raises(sheets.SheetRefused, match="participants"):
        sheets.create_sheet(
            centre=centre_a, author=animator_a, data={"title": "x", "group_min": 9, "group_max": 3}
        )


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("min_age", "-3", "entre 0 et 99 ans"),
        ("max_age", "100", "entre 0 et 99 ans"),
        ("min_age", "abc", "entre 0 et 99 ans"),
        ("duration_minutes", "0", "entre 1 et 1440 minutes"),
        ("duration_minutes", "1441", "entre 1 et 1440 minutes"),
        ("group_min", "0", "entre 1 et 500"),
    ],
)
@pytest.mark.django_db
def test_the_form_says_what_is_wrong_next_to_the_field(centre_a, field, value, message):
    form = SheetForm({"title": "Jeu", "visibility": CENTRE_ONLY, field: value}, centre=centre_a)
    assert not form.is_valid()
    assert message in form.errors[field][0]
    assert form.fields[field].widget.attrs["aria-invalid"] == "true"
    assert f"{field}-erreurs" in form.fields[field].widget.attrs["aria-describedby"]


@pytest.mark.django_db
def test_the_form_refuses_a_maximum_below_the_minimum(centre_a):
    data = {"title": "Jeu", "visibility": CENTRE_ONLY, "min_age": "10", "max_age": "6"}
    data.update(group_min="12", group_max="4")
    form = SheetForm(data, centre=centre_a)
    assert not form.is_valid()
    assert form.errors["max_age"] == ["L'âge maximum doit être supérieur ou égal à l'âge minimum."]
    assert form.errors["group_max"] == ["Le maximum de participants doit être au moins égal au minimum."]


@pytest.mark.django_db
def test_the_form_offers_only_the_objectives_of_the_current_centre(centre_a, centre_b):
    mine, theirs = objective(centre_a, "Coopérer"), objective(centre_b, "Secret de B")
    form = SheetForm({"title": "Jeu", "visibility": CENTRE_ONLY, "objectives": [theirs.pk]}, centre=centre_a)
    assert list(form.fields["objectives"].queryset) == [mine]
    assert not form.is_valid()
    assert "objectives" in form.errors


# --- versions and conflicts ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_every_change_makes_a_version_and_a_save_without_change_makes_none(centre_a, animator_a, staff):
    colleague = staff("animator", "a")
    goal = objective(centre_a)
    sheet = make_sheet(centre_a, animator_a, objectives=[goal])
    outcome = sheets.update_sheet(
        sheet=sheet,
        actor=colleague,
        data=complete(steps="Mélanger\nCuire"),
        objectives=[goal],
        publish=True,
        expected_version=1,
    )
    assert outcome.new_version and outcome.sheet.version == 2
    version = SheetVersion.objects.get(sheet=sheet, number=2)
    assert version.author == colleague
    assert version.content["steps"] == "Mélanger\nCuire"
    assert version.content["objectives"] == [{"id": goal.pk, "text": goal.text}]
    same = sheets.update_sheet(
        sheet=sheet,
        actor=colleague,
        data=complete(steps="Mélanger\nCuire"),
        objectives=[goal],
        publish=True,
        expected_version=2,
    )
    assert not same.new_version
    assert ActivitySheet.objects.get(pk=sheet.pk).version == 2
    assert SheetVersion.objects.filter(sheet=sheet).count() == 2


@pytest.mark.django_db
def test_restoring_a_version_brings_its_content_back_as_a_new_version(centre_a, animator_a):
    first_goal, second_goal = objective(centre_a, "Coopérer"), objective(centre_a, "Goûter")
    sheet = make_sheet(centre_a, animator_a, objectives=[first_goal])
    sheets.update_sheet(
        sheet=sheet,
        actor=animator_a,
        data=complete(title="Gâteau marbré", materials="Cacao"),
        objectives=[second_goal],
        publish=True,
        expected_version=1,
    )
    restored = sheets.restore_version(sheet=sheet, number=1, actor=animator_a)
    assert restored.version == 3
    sheet.refresh_from_db()
    assert sheet.title == "Gâteau au yaourt"
    assert sheet.materials.startswith("1 pot de yaourt")
    assert list(sheet.objectives.all()) == [first_goal]
    assert SheetVersion.objects.filter(sheet=sheet).count() == 3
    assert "yaourt" in sheet.search_text  # the search reads the restored text
    with pytest.raises(sheets.SheetRefused, match="déjà la version actuelle"):
        sheets.restore_version(sheet=sheet, number=3, actor=animator_a)
    with pytest.raises(sheets.SheetRefused, match="n'existe pas"):
        sheets.restore_version(sheet=sheet, number=42, actor=animator_a)


@pytest.mark.django_db
def test_a_published_sheet_refuses_a_version_that_could_not_be_published(centre_a, animator_a):
    outcome = sheets.create_sheet(centre=centre_a, author=animator_a, data={"title": "Brouillon"})
    sheet = sheets.update_sheet(
        sheet=outcome.sheet, actor=animator_a, data=complete(), publish=True, expected_version=1
    ).sheet
    assert sheet.is_published
    with pytest.raises(sheets.SheetRefused, match="Repassez d'abord la fiche en brouillon"):
        sheets.restore_version(sheet=sheet, number=1, actor=animator_a)


@pytest.mark.django_db
def test_a_save_on_an_older_version_is_a_conflict_and_overwrites_nothing(centre_a, animator_a, staff):
    colleague = staff("animator", "a", user__first_name="Lina", user__last_name="Martin")
    sheet = make_sheet(centre_a, animator_a)
    sheets.update_sheet(
        sheet=sheet, actor=colleague, data=complete(title="Par Lina"), publish=True, expected_version=1
    )
    with pytest.raises(sheets.SheetConflict) as raised:
        sheets.update_sheet(
            sheet=sheet, actor=animator_a, data=complete(title="Par Awa"), publish=True, expected_version=1
        )
    assert raised.value.current_version == 2
    assert str(raised.value) == (
        "« Lina Martin » a modifié cette fiche pendant que vous l'écriviez (version 2). Vos changements ne "
        "sont pas encore enregistrés : relisez la version actuelle puis enregistrez à nouveau."
    )
    assert ActivitySheet.objects.get(pk=sheet.pk).title == "Par Lina"


@pytest.mark.django_db
def test_the_edit_page_keeps_the_text_on_a_conflict_and_the_second_save_works(
    client, centre_a, animator_a, staff
):
    colleague = staff("animator", "a", user__first_name="Lina", user__last_name="Martin")
    sheet = make_sheet(centre_a, animator_a)
    client.force_login(animator_a)
    url = reverse("animation:sheet_edit", args=[sheet.pk])
    assert 'name="version" value="1"' in client.get(url).content.decode()
    sheets.update_sheet(
        sheet=sheet, actor=colleague, data=complete(materials="Sucre"), publish=True, expected_version=1
    )
    posted = {**complete(title="Gâteau d'Awa"), "version": "1", "action": "publier"}
    response = client.post(url, posted)
    assert response.status_code == 409
    text = page_text(response)
    assert "« Lina Martin » a modifié cette fiche pendant que vous l'écriviez (version 2)." in text
    assert "Ce qui a changé : Matériel." in text
    assert 'value="Gâteau d\'Awa"' in text
    assert 'name="version" value="2"' in text
    assert ActivitySheet.objects.get(pk=sheet.pk).title == "Gâteau au yaourt"
    response = client.post(url, {**posted, "version": "2"})
    assert response.status_code == 302
    sheet.refresh_from_db()
    assert (sheet.title, sheet.version) == ("Gâteau d'Awa", 3)


# --- copies -----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_copy_belongs_to_my_centre_without_the_objectives_and_with_its_own_files(
    centre_a, centre_b, animator_a, animator_b
):
    source = make_sheet(centre_a, animator_a, objectives=[objective(centre_a)])
    photo = sheets.add_attachment(sheet=source, upload=upload(), actor=animator_a, name="Le gâteau")
    sheets.add_attachment(
        sheet=source, upload=upload("regle.pdf", PDF_BYTES, "application/pdf"), actor=animator_a
    )
    copy = sheets.copy_sheet(source=source, centre=centre_b, actor=animator_b)
    assert (copy.centre, copy.author, copy.copied_from) == (centre_b, animator_b, source)
    assert (copy.status, copy.visibility) == (ActivitySheet.Status.PUBLISHED, CENTRE_ONLY)
    assert copy.title == source.title and copy.steps == source.steps
    assert not copy.objectives.exists()
    copied = list(copy.attachments.order_by("id"))
    assert [(a.name, a.kind, a.file_type) for a in copied] == [
        ("Le gâteau", "photo", "png"),
        ("regle.pdf", "document", "pdf"),
    ]
    assert copied[0].file.name != photo.file.name
    with copied[0].file.open("rb") as handle:
        assert handle.read() == png_bytes()
    # The original's file can go: the copy keeps its own.
    sheets.remove_attachment(attachment=photo, actor=animator_a)
    with copied[0].file.open("rb") as handle:
        assert handle.read()[:8] == b"\x89PNG\r\n\x1a\n"
    assert SheetVersion.objects.filter(sheet=copy, number=1).exists()
    assert sheets.copies_in(source, centre_b) == [copy]


@pytest.mark.django_db
def test_a_sheet_kept_in_its_centre_cannot_be_copied_elsewhere(centre_a, centre_b, animator_a, animator_b):
    source = make_sheet(centre_a, animator_a, visibility=CENTRE_ONLY)
    with pytest.raises(sheets.SheetRefused):
        sheets.copy_sheet(source=source, centre=centre_b, actor=animator_b)


@pytest.mark.django_db
def test_the_copy_page_warns_of_an_earlier_copy_and_credits_the_original(
    client, centre_a, centre_b, animator_a, animator_b
):
    source = make_sheet(centre_a, animator_a, objectives=[objective(centre_a)])
    client.force_login(animator_b)
    url = reverse("animation:sheet_copy", args=[source.pk])
    assert "déjà" not in page_text(client.get(url))
    response = client.post(url)
    copy = ActivitySheet.objects.get(centre=centre_b)
    assert response.url == reverse("animation:sheet_detail", args=[copy.pk])
    detail = visible_text(client.get(response.url))
    assert "Copiée de « Gâteau au yaourt » (Centre Alpha)" in detail
    assert "Choisissez les objectifs de votre projet pédagogique" in detail
    assert "Votre centre a déjà 1 copie de cette fiche" in visible_text(client.get(url))
    assert client.post(url).status_code == 302  # copying twice is allowed
    assert ActivitySheet.objects.filter(centre=centre_b, copied_from=source).count() == 2


# --- attachments ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_attachments_are_checked_by_content_size_and_number(centre_a, animator_a, settings):
    sheet = make_sheet(centre_a, animator_a)
    executable = upload("jeu.png", b"MZ\x90\x00" + b"\x00" * 200)
    with pytest.raises(sheets.SheetRefused, match="ni une photo JPG ou PNG, ni un document PDF"):
        sheets.add_attachment(sheet=sheet, upload=executable, actor=animator_a)
    heavy = upload("grande.pdf", b"%PDF-1.4\n" + b"0" * (6 * 1024 * 1024) + b"%%EOF", "application/pdf")
    with pytest.raises(sheets.SheetRefused, match="Ce fichier pèse 6,0 Mo : le maximum est 5 Mo."):
        sheets.add_attachment(sheet=sheet, upload=heavy, actor=animator_a)
    for number in range(10):
        sheets.add_attachment(sheet=sheet, upload=upload(f"p{number}.png"), actor=animator_a)
    with pytest.raises(sheets.SheetRefused, match="déjà 10 pièces jointes"):
        sheets.add_attachment(sheet=sheet, upload=upload(), actor=animator_a)
    assert sheet.attachments.count() == 10
    assert {a.file.name.rsplit("/", 1)[0] for a in sheet.attachments.all()} == {
        f"animation/fiches/{sheet.pk}"
    }


@pytest.mark.django_db
def test_an_oversized_file_is_refused_on_the_page_and_the_caption_kept(client, centre_a, animator_a):
    sheet = make_sheet(centre_a, animator_a)
    client.force_login(animator_a)
    heavy = upload("grande.pdf", b"%PDF-1.4\n" + b"0" * (6 * 1024 * 1024) + b"%%EOF", "application/pdf")
    response = client.post(
        reverse("animation:sheet_attachment_add", args=[sheet.pk]), {"file": heavy, "name": "Règle du jeu"}
    )
    assert response.status_code == 400
    text = page_text(response)
    assert "Ce fichier pèse 6,0 Mo : le maximum est 5 Mo." in text
    assert 'value="Règle du jeu"' in text
    assert 'aria-describedby="id_file_helptext file-erreurs"' in text
    assert not sheet.attachments.exists()


def add_photo_and_document(client, sheet):
    """A photo captioned « Résultat » and a PDF, added through the sheet's page."""
    client.post(
        reverse("animation:sheet_attachment_add", args=[sheet.pk]), {"file": upload(), "name": "Résultat"}
    )
    client.post(
        reverse("animation:sheet_attachment_add", args=[sheet.pk]),
        {"file": upload("regle.pdf", PDF_BYTES, "application/pdf")},
    )
    return sheet.attachments.order_by("id")


@pytest.mark.django_db
def test_photos_show_on_the_sheet_and_documents_download_for_readers_only(
    client, centre_a, animator_a, animator_b
):
    sheet = make_sheet(centre_a, animator_a)
    client.force_login(animator_a)
    photo, document = add_photo_and_document(client, sheet)
    detail = page_text(client.get(reverse("animation:sheet_detail", args=[sheet.pk])))
    photo_url = reverse("animation:sheet_attachment", args=[sheet.pk, photo.pk])
    assert f'<img src="{photo_url}" alt="Résultat"' in detail
    assert "/media/" not in detail
    client.force_login(animator_b)  # another centre reads the network sheet, and its files
    response = client.get(photo_url)
    assert response["Content-Type"] == "image/png"
    assert response["Cache-Control"] == "private, no-store"  # a photo may show children
    assert b"".join(response.streaming_content) == png_bytes()
    response = client.get(reverse("animation:sheet_attachment", args=[sheet.pk, document.pk]))
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    sheets.unpublish_sheet(sheet=sheet, actor=animator_a)
    assert client.get(photo_url).status_code == 404


# --- comments and favourites --------------------------------------------------------------------------


@pytest.mark.django_db
def test_comments_are_plain_text_and_only_their_author_deletes_them(client, centre_a, animator_a, animator_b):
    sheet = make_sheet(centre_a, animator_a)
    with pytest.raises(sheets.SheetRefused, match="vide"):
        sheets.add_comment(sheet=sheet, centre=centre_a, author=animator_a, text="   ")
    with pytest.raises(sheets.SheetRefused, match="maximum est 2000"):
        sheets.add_comment(sheet=sheet, centre=centre_a, author=animator_a, text="a" * 2001)
    client.force_login(animator_b)
    url = reverse("animation:sheet_comment_add", args=[sheet.pk])
    response = client.post(url, {"text": "Super avec les 6 ans !\n<script>alert(1)</script>"})
    assert response.status_code == 302
    body = client.get(reverse("animation:sheet_detail", args=[sheet.pk])).content.decode()
    assert "Super avec les 6 ans !<br>&lt;script&gt;alert(1)&lt;/script&gt;" in body
    assert "<script>alert(1)" not in body
    assert "Marc Carpentier</strong> (Centre Bêta)" in body
    assert client.post(url, {"text": ""}).status_code == 400
    comment = SheetComment.objects.get()
    client.force_login(animator_a)  # not the author
    delete_url = reverse("animation:sheet_comment_delete", args=[sheet.pk, comment.pk])
    assert client.post(delete_url).status_code == 404
    with pytest.raises(sheets.SheetRefused):
        sheets.delete_comment(comment=comment, actor=animator_a)
    client.force_login(animator_b)
    assert client.post(delete_url).status_code == 302
    assert not SheetComment.objects.exists()


@pytest.mark.django_db
def test_the_favourite_button_toggles_and_says_its_state(client, centre_a, animator_a, animator_b):
    sheet = make_sheet(centre_a, animator_a)
    client.force_login(animator_b)
    detail_url = reverse("animation:sheet_detail", args=[sheet.pk])
    assert 'aria-pressed="false"' in client.get(detail_url).content.decode()
    url = reverse("animation:sheet_favourite", args=[sheet.pk])
    assert client.post(url, {"favori": "1"}).url == detail_url
    client.post(url, {"favori": "1"})  # a resent form changes nothing
    assert SheetFavourite.objects.filter(user=animator_b, sheet=sheet).count() == 1
    assert 'aria-pressed="true"' in client.get(detail_url).content.decode()
    response = client.post(url, {"favori": "0", "next": "https://ailleurs.example/"})
    assert response.url == detail_url  # never sent off the site
    assert not SheetFavourite.objects.exists()


# --- pages ------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_writing_a_sheet_through_the_pages(client, centre_a, animator_a):
    goal = objective(centre_a, "Apprendre à coopérer")
    client.force_login(animator_a)
    url = reverse("animation:sheet_create")
    response = client.post(url, {"title": "", "min_age": "12", "max_age": "6", "visibility": NETWORK})
    assert response.status_code == 400
    text = visible_text(response)
    assert "Le formulaire contient 2 erreurs." in text
    assert "Donnez un titre à la fiche, même provisoire." in text
    assert 'value="12"' in page_text(response)
    data = {**complete(summary=""), "objectives": [goal.pk], "action": "publier"}
    response = client.post(url, data, follow=True)
    sheet = ActivitySheet.objects.get()
    assert sheet.status == ActivitySheet.Status.DRAFT
    assert (
        "La fiche est enregistrée comme brouillon : pour la publier, il manque "
        "le résumé (« en quelques mots »)." in visible_text(response)
    )
    edit = reverse("animation:sheet_edit", args=[sheet.pk])
    response = client.post(edit, {**data, "summary": "Un gâteau.", "version": "1"}, follow=True)
    text = visible_text(response)
    assert "La fiche est publiée : elle est visible par tout le réseau." in text
    assert "Fiche de Centre Alpha, écrite par Awa Diallo" in text
    body = response.content.decode()
    assert "<li>3 œufs</li>" in body
    assert '<ol class="sheet-steps"><li>Se laver les mains</li><li>Mélanger</li>' in body
    assert "<li>Apprendre à coopérer</li>" in body
    history = visible_text(client.get(reverse("animation:sheet_history", args=[sheet.pk])))
    assert "Version 2 (actuelle) Awa Diallo" in history
    assert "En quelques mots, État" in history


@pytest.mark.django_db
def test_another_centre_reads_the_objectives_as_text(client, centre_a, animator_a, animator_b):
    sheet = make_sheet(centre_a, animator_a, objectives=[objective(centre_a, "Goûter ensemble")])
    client.force_login(animator_b)
    text = visible_text(client.get(reverse("animation:sheet_detail", args=[sheet.pk])))
    assert "Objectifs servis (au centre Centre Alpha) : Goûter ensemble" in text
    assert "Modifier" not in text and "Historique des versions" not in text
    assert "Copier dans mon centre" in text


@pytest.mark.django_db
def test_the_history_shows_a_version_and_restores_it(client, centre_a, animator_a):
    sheet = make_sheet(centre_a, animator_a)
    sheets.update_sheet(
        sheet=sheet, actor=animator_a, data=complete(title="Autre titre"), publish=True, expected_version=1
    )
    client.force_login(animator_a)
    version_page = visible_text(client.get(reverse("animation:sheet_version", args=[sheet.pk, 1])))
    assert "Version 1 : « Gâteau au yaourt »" in version_page
    assert "Revenir à cette version" in version_page
    response = client.post(reverse("animation:sheet_restore", args=[sheet.pk, 1]), follow=True)
    assert "La fiche a repris le contenu de la version 1 (nouvelle version 3)." in visible_text(response)
    assert ActivitySheet.objects.get(pk=sheet.pk).title == "Gâteau au yaourt"


@pytest.mark.django_db
def test_the_sheet_prints_as_an_a4_pdf_with_its_photos(client, centre_a, animator_a, animator_b):
    sheet = make_sheet(centre_a, animator_a)
    sheets.add_attachment(sheet=sheet, upload=upload(content=png_bytes((300, 200))), actor=animator_a)
    client.force_login(animator_b)
    response = client.get(reverse("animation:sheet_pdf", args=[sheet.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert 'filename="fiche-gateau-au-yaourt.pdf"' in response["Content-Disposition"]
    assert b"/Subtype /Image" in response.content or b"/Subtype/Image" in response.content
    assert b"MediaBox [0 0 595.275591 841.889764]" in pdf_objects(response.content)  # A4 portrait


@pytest.mark.django_db
def test_a_draft_is_deleted_and_journaled_a_published_sheet_is_unpublished_instead(
    client, centre_a, animator_a
):
    sheet = make_sheet(centre_a, animator_a)
    client.force_login(animator_a)
    with pytest.raises(sheets.SheetRefused, match="repassez-la d'abord en brouillon"):
        sheets.delete_sheet(sheet=sheet, actor=animator_a)
    client.post(reverse("animation:sheet_unpublish", args=[sheet.pk]))
    sheet.refresh_from_db()
    assert sheet.status == ActivitySheet.Status.DRAFT and sheet.version == 2
    sheets.add_attachment(sheet=sheet, upload=upload(), actor=animator_a)
    response = client.post(reverse("animation:sheet_delete", args=[sheet.pk]))
    assert response.url == reverse("animation:sheet_list")
    assert not ActivitySheet.objects.exists() and not SheetAttachment.objects.exists()
    event = AuditEvent.objects.get(action="delete", object_id=str(sheet.pk))
    assert (event.actor, event.centre_id, event.object_type) == (
        animator_a,
        centre_a.pk,
        "animation.activitysheet",
    )


# --- tenancy ----------------------------------------------------------------------------------------


@pytest.fixture
def b_sheets(centre_b, animator_b):
    """Centre B's draft, its centre-only sheet and its network sheet, each with a photo and a comment."""
    made = {
        "draft": make_sheet(centre_b, animator_b, publish=False, title="Brouillon secret"),
        "centre": make_sheet(centre_b, animator_b, visibility=CENTRE_ONLY, title="Fiche interne"),
        "network": make_sheet(centre_b, animator_b, title="Fiche partagée"),
    }
    for sheet in made.values():
        sheets.add_attachment(sheet=sheet, upload=upload(), actor=animator_b)
        sheets.add_comment(sheet=sheet, centre=centre_b, author=animator_b, text="Commentaire de B")
    return made


def _urls(sheet):
    attachment, comment = sheet.attachments.get(), sheet.comments.get()
    return {
        "detail": ("get", reverse("animation:sheet_detail", args=[sheet.pk])),
        "edit": ("get", reverse("animation:sheet_edit", args=[sheet.pk])),
        "edit_post": ("post", reverse("animation:sheet_edit", args=[sheet.pk])),
        "pdf": ("get", reverse("animation:sheet_pdf", args=[sheet.pk])),
        "history": ("get", reverse("animation:sheet_history", args=[sheet.pk])),
        "version": ("get", reverse("animation:sheet_version", args=[sheet.pk, 1])),
        "restore": ("post", reverse("animation:sheet_restore", args=[sheet.pk, 1])),
        "attachment": ("get", reverse("animation:sheet_attachment", args=[sheet.pk, attachment.pk])),
        "attachment_add": ("post", reverse("animation:sheet_attachment_add", args=[sheet.pk])),
        "attachment_delete": (
            "post",
            reverse("animation:sheet_attachment_delete", args=[sheet.pk, attachment.pk]),
        ),
        "comment_add": ("post", reverse("animation:sheet_comment_add", args=[sheet.pk])),
        "comment_delete": ("post", reverse("animation:sheet_comment_delete", args=[sheet.pk, comment.pk])),
        "favourite": ("post", reverse("animation:sheet_favourite", args=[sheet.pk])),
        "copy": ("get", reverse("animation:sheet_copy", args=[sheet.pk])),
        "copy_post": ("post", reverse("animation:sheet_copy", args=[sheet.pk])),
        "unpublish": ("post", reverse("animation:sheet_unpublish", args=[sheet.pk])),
        "delete": ("post", reverse("animation:sheet_delete", args=[sheet.pk])),
    }


@pytest.mark.parametrize("which", ["draft", "centre"])
@pytest.mark.django_db
def test_another_centres_draft_or_internal_sheet_is_a_404_everywhere(client, director_a, b_sheets, which):
    sheet = b_sheets[which]
    client.force_login(director_a)
    for name, (method, url) in _urls(sheet).items():
        data = {**complete(title="Pirate"), "text": "pirate", "favori": "1", "version": "1"}
        response = getattr(client, method)(url, data)
        assert response.status_code == 404, name
        assert "Commentaire de B" not in response.content.decode(errors="replace"), name
    sheet.refresh_from_db()
    assert sheet.title != "Pirate" and sheet.version == 1
    assert sheet.comments.count() == 1 and sheet.attachments.count() == 1
    assert (
        not SheetFavourite.objects.exists()
        and ActivitySheet.objects.filter(centre__name="Centre Alpha").count() == 0
    )


@pytest.mark.django_db
def test_another_centres_network_sheet_is_read_and_copied_never_changed(client, director_a, b_sheets):
    sheet = b_sheets["network"]
    client.force_login(director_a)
    readable = {"detail", "pdf", "attachment", "copy", "copy_post", "favourite", "comment_add"}
    for name, (method, url) in _urls(sheet).items():
        data = {**complete(title="Pirate"), "text": "Bravo", "favori": "1", "version": "1"}
        response = getattr(client, method)(url, data)
        if name in readable:
            assert response.status_code in (200, 302), name
        else:
            assert response.status_code == 404, name
    sheet.refresh_from_db()
    assert (sheet.title, sheet.version, sheet.status) == ("Fiche partagée", 1, ActivitySheet.Status.PUBLISHED)
    assert sheet.attachments.count() == 1
    assert list(sheet.comments.values_list("text", flat=True)) == ["Commentaire de B", "Bravo"]
    assert ActivitySheet.objects.filter(copied_from=sheet, centre__name="Centre Alpha").count() == 1


@pytest.mark.django_db
def test_a_role_without_the_capability_sees_no_sheet(client, staff, centre_a, animator_a):
    sheet = make_sheet(centre_a, animator_a)
    volunteer = staff("volunteer", "a")
    client.force_login(volunteer)
    assert client.get(reverse("animation:sheet_list")).status_code == 404
    assert client.get(reverse("animation:sheet_detail", args=[sheet.pk])).status_code == 404

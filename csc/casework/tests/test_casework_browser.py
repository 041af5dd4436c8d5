"""The social worker's path in Chromium: TOTP, a period for a household, an interview, a task for a
colleague who then sees it, and a worker of another scope kept out. axe-core on every page crossed."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from csc.casework.models import Exchange, Period, SituationField, Task
from csc.testing.browser import PASSWORD, assert_accessible, field, new_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def code(device):
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def log_in_with_totp(page, live_server, user):
    device = TOTPDevice.objects.get(user=user)
    page.goto(f"{live_server.url}/compte/connexion/")
    page.get_by_label("Adresse e-mail").fill(user.email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.get_by_label(field("Code à 6 chiffres")).fill(code(device))
    page.get_by_role("button", name="Valider").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Bonjour")


def test_a_social_worker_follows_a_household_and_hands_a_task_to_a_colleague(
    browser, live_server, staff, family, scopes
):
    household, mother, son = family
    referent = staff("social_worker", user__first_name="Claire", user__last_name="Morel")
    colleague = staff("social_worker", user__first_name="Inès", user__last_name="Benali")
    outsider = staff("social_worker", user__first_name="Paul", user__last_name="Roy")
    scopes["Famille"].workers.add(referent, colleague)
    scopes["Insertion"].workers.add(outsider)
    SituationField.objects.create(
        centre=household.centre,
        label="Situation professionnelle",
        kind="choice",
        choices="Salariée\nDemandeuse d'emploi",
    )
    for user in (referent, colleague, outsider):
        TOTPDevice.objects.create(user=user, name="téléphone", confirmed=True)
    visited = []
    context, page = new_page(browser, viewport={"width": 1280, "height": 900})
    log_in_with_totp(page, live_server, referent)

    page.get_by_role("link", name="Accompagnement social").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Accompagnement social")
    assert_accessible(page, visited)
    page.get_by_label("Nom de la personne").fill("diallo awa")
    page.get_by_role("button", name="Chercher").click()
    page.get_by_role("link", name="Awa Diallo").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Dossier de Awa Diallo")
    assert_accessible(page, visited)

    page.get_by_role("link", name="Ouvrir un parcours").click()
    page.get_by_label("Moussa Diallo", exact=False).check()
    page.get_by_label(field("Cercle")).select_option(label="Famille")
    page.get_by_label("Logement").check()
    page.get_by_label(field("Origine de la demande")).select_option(label="Orientation par un partenaire")
    page.get_by_label("Demandeur (facultatif)").fill("CCAS de la ville")
    assert_accessible(page, visited)
    page.get_by_role("button", name="Ouvrir le parcours").click()
    expect(page.get_by_text("Parcours ouvert.")).to_be_visible()
    period = Period.objects.get()
    assert set(period.persons.all()) == {mother, son}

    page.get_by_label("Entretien").check()
    page.get_by_label("Durée en minutes (facultatif)").fill("45")
    page.get_by_label("Notes", exact=True).fill("<b>Dette</b> de loyer : plan d'apurement à proposer.")
    page.get_by_role("button", name="Noter l'échange").click()
    expect(page.get_by_text("Échange noté.")).to_be_visible()
    expect(page.get_by_text("<b>Dette</b> de loyer", exact=False)).to_be_visible()  # shown as text
    assert Exchange.objects.get().notes.startswith("<b>Dette</b>")

    page.get_by_role("link", name="Confier une tâche").click()
    page.get_by_label(field("Tâche")).fill("Appeler le bailleur")
    page.get_by_label(field("Confiée à")).select_option(label="Inès Benali")
    due = timezone.localdate() + timedelta(days=7)
    page.get_by_label(field("À faire pour le")).fill(due.isoformat())
    assert_accessible(page, visited)
    page.get_by_role("button", name="Confier la tâche").click()
    expect(page.get_by_text("Tâche confiée.")).to_be_visible()
    expect(page.get_by_text("Appeler le bailleur — Inès Benali", exact=False)).to_be_visible()
    assert_accessible(page, visited)

    page.get_by_role("link", name="Documents").click()
    page.get_by_label(field("Fichier")).set_input_files(
        files=[{"name": "avis.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    page.get_by_label("Titre (facultatif)").fill("Avis d'imposition 2025")
    page.get_by_label(field("Catégorie")).select_option(label="Ressources, impôts")
    page.get_by_role("button", name="Déposer").click()
    expect(page.get_by_text("Document déposé.")).to_be_visible()
    page.get_by_label("Awa Diallo", exact=False).check()
    page.get_by_role("button", name="Générer le PDF").click()
    expect(page.get_by_role("link", name="Attestation de suivi — Awa Diallo")).to_be_visible()
    assert_accessible(page, visited)
    with page.expect_download() as download:
        page.get_by_role("link", name="Avis d'imposition 2025").click()
    assert download.value.path().read_bytes() == PDF

    page.get_by_role("link", name="Actions sociales").click()
    assert_accessible(page, visited)
    page.get_by_label(field("Action")).fill("Plan d'apurement de la dette de loyer")
    page.get_by_role("button", name="Ajouter l'action").click()
    expect(page.get_by_text("Action ajoutée.")).to_be_visible()
    page.get_by_label("Quelques progrès").check()
    page.get_by_role("button", name="Noter l'évaluation").click()
    expect(page.get_by_text("Évaluation notée.")).to_be_visible()
    assert_accessible(page, visited)

    page.get_by_role("link", name="Résumé, échanges et tâches").click()
    page.get_by_role("link", name="Dossier de Awa Diallo").click()
    page.get_by_role("link", name="Détail, historique et mise à jour du budget").click()
    page.get_by_label("Ressource", exact=True).check()
    page.get_by_label(field("Nature")).select_option(label="RSA")
    page.get_by_label(field("Montant mensuel (€)")).fill("607,75")
    page.get_by_role("button", name="Ajouter").click()
    expect(page.get_by_text("Ligne ajoutée au budget.")).to_be_visible()
    assert_accessible(page, visited)
    page.get_by_role("link", name="Changer le montant ou terminer : RSA").click()
    assert_accessible(page, visited)
    page.get_by_label(field("Montant mensuel (€)")).fill("612,40")
    page.get_by_label(field("À partir du")).fill((timezone.localdate() + timedelta(days=1)).isoformat())
    page.get_by_role("button", name="Changer le montant").click()
    expect(page.get_by_text("Budget mis à jour.")).to_be_visible()
    page.get_by_role("link", name=re.compile("^Dossier de Awa")).click()
    page.get_by_role("link", name="Mettre à jour la situation").click()
    page.get_by_label("Situation professionnelle").select_option(label="Demandeuse d'emploi")
    assert_accessible(page, visited)
    page.get_by_role("button", name="Enregistrer la situation").click()
    expect(page.get_by_text("Situation enregistrée.")).to_be_visible()
    page.get_by_role("link", name="Gérer les contacts").click()
    page.get_by_label(field("Type de contact")).select_option(label="Bailleur")
    page.get_by_label(field("Nom")).fill("Habitat du Nord")
    page.get_by_role("button", name="Créer et ajouter au dossier").click()
    expect(page.get_by_text("Habitat du Nord — Bailleur")).to_be_visible()
    assert_accessible(page, visited)
    page.get_by_role("link", name=re.compile("^Dossier de Awa")).click()
    page.get_by_role("link", name=f"Parcours n° {period.pk}").click()
    page.get_by_role("link", name="Clôturer le parcours").click()
    page.get_by_label(field("Motif de clôture")).select_option(label="Objectifs atteints")
    assert_accessible(page, visited)
    page.get_by_role("button", name="Clôturer").click()
    expect(page.get_by_text("Parcours clôturé.")).to_be_visible()
    context.close()

    context, page = new_page(browser, viewport={"width": 1280, "height": 900})
    log_in_with_totp(page, live_server, colleague)
    page.goto(f"{live_server.url}/accompagnement/mes-taches/")
    expect(page.get_by_role("heading", name="À venir (1)")).to_be_visible()
    expect(page.get_by_role("cell", name="Appeler le bailleur", exact=True)).to_be_visible()
    assert_accessible(page, visited)
    page.get_by_role("button", name=re.compile("^Faite")).click()
    expect(page.get_by_text("Tâche faite.")).to_be_visible()
    assert Task.objects.get().is_done
    context.close()

    context, page = new_page(browser, viewport={"width": 1280, "height": 900})
    log_in_with_totp(page, live_server, outsider)
    response = page.goto(f"{live_server.url}/accompagnement/parcours/{period.pk}/")
    assert response.status == 404
    expect(page.get_by_text("Dette de loyer")).to_have_count(0)
    context.close()
    assert len(visited) == 14


def test_a_director_sets_up_the_follow_up(browser, live_server, staff, centre_a):
    director = staff("director")
    staff("social_worker", user__first_name="Inès", user__last_name="Benali")
    TOTPDevice.objects.create(user=director, name="téléphone", confirmed=True)
    visited = []
    context, page = new_page(browser, viewport={"width": 1280, "height": 900})
    log_in_with_totp(page, live_server, director)
    page.get_by_role("link", name="Réglages de l'accompagnement").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Réglages de l'accompagnement social")
    assert_accessible(page, visited)
    page.get_by_role("link", name="Famille", exact=True).click()
    page.get_by_label("Inès Benali").check()
    assert_accessible(page, visited)
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_text("Famille — Inès Benali")).to_be_visible()
    page.get_by_role("link", name="Nouvelle rubrique").click()
    page.get_by_label(field("Intitulé")).fill("Situation familiale")
    page.get_by_label(field("Type de réponse")).select_option(label="Choix dans une liste")
    page.get_by_label("Choix proposés (pour « choix dans une liste »)").fill("Seul(e)\nEn couple")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_text("Rubrique enregistrée.")).to_be_visible()
    page.get_by_role("link", name="Attestation de suivi").click()
    expect(page.get_by_text("{prenom}", exact=True)).to_be_visible()
    assert_accessible(page, visited)
    context.close()
    assert len(visited) == 3

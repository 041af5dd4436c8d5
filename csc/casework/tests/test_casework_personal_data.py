"""A person's data export and social follow-up: the « Accompagnement social » section is there only for
an actor who follows people in the person's centre, with what that actor may read; for anybody else the
export does not show that a file exists — not in a section, not in « Autres données », not in the
journal."""

import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Q
from django.urls import reverse
from pypdf import PdfReader

from csc.casework import services
from csc.casework.models import SituationField
from csc.core.models import AuditEvent
from csc.people import services as people_services
from csc.testing.factories import PersonFactory

pytestmark = pytest.mark.django_db

# Everything written in the file: none of it may reach an export made by someone who may not read it.
SECRETS = [
    "Awa craint l'expulsion",
    "Note privée de Claire",
    "Carte de résident",
    "Aide de la tante",
    "Dr Martin",
    "Reloger Awa",
    "Bail signé",
    "Rappeler la CAF",
    "Accompagnement social",
    "Lecture d'un dossier",
]


@pytest.fixture
def file_of_awa(centre_a, family, worker, scopes, open_period):
    """Awa's case file in centre A: a « Famille » period with everything, written by Claire (referent)
    and Yanis (same scope), plus an « Insertion » period and a confidential one Yanis does not read."""
    _, awa, son = family
    claire = worker(user__first_name="Claire")
    yanis = worker(user__first_name="Yanis")
    scopes["Famille"].workers.add(claire, yanis)
    period = open_period(claire, [awa, son])
    services.log_exchange(
        period,
        author=claire,
        kind="interview",
        happened_on=period.opened_on,
        duration_minutes=30,
        persons=[awa],
        notes="Awa craint l'expulsion",
    )
    services.log_exchange(
        period,
        author=claire,
        kind="call",
        happened_on=period.opened_on,
        notes="Note privée de Claire",
        is_private=True,
    )
    services.log_exchange(
        period,
        author=yanis,
        kind="call",
        happened_on=period.opened_on,
        notes="Note privée de Yanis",
        is_private=True,
    )
    action = services.start_action(period, by=claire, title="Relogement", goals="Reloger Awa")
    services.evaluate_action(action, by=claire, progress="some", notes="Bail signé")
    services.assign_task(period, by=claire, assignee=yanis, title="Rappeler la CAF", due_on=period.opened_on)
    services.add_document(
        period,
        by=claire,
        upload=SimpleUploadedFile("b.pdf", b"%PDF-1.4\ncontenu secret\n%%EOF\n"),
        title="Quittance",
        category="housing",
    )
    field = SituationField.objects.create(centre=centre_a, label="Titre de séjour")
    services.save_situation(awa, by=claire, answers={field.pk: "Carte de résident"})
    services.add_budget_line(
        awa, by=claire, direction="income", category="other", label="Aide de la tante", monthly_amount=100
    )
    services.link_contact(
        awa, third_party=services.save_third_party(centre_a, name="Dr Martin", kind="doctor")
    )
    other_scope = worker(user__first_name="Inès")
    scopes["Insertion"].workers.add(other_scope)
    insertion = open_period(other_scope, [awa], scope="Insertion")
    services.log_exchange(
        insertion, author=other_scope, kind="call", happened_on=insertion.opened_on, notes="Stage"
    )
    confidential = open_period(claire, [awa], is_confidential=True)
    services.journal_read(claire, awa, centre_id=centre_a.pk, person_id=awa.pk, what="dossier")
    return {
        "awa": awa,
        "claire": claire,
        "yanis": yanis,
        "period": period,
        "insertion": insertion,
        "confidential": confidential,
    }


def test_a_social_worker_of_the_centre_gets_what_they_read_of_the_file(file_of_awa):
    awa, yanis = file_of_awa["awa"], file_of_awa["yanis"]
    data = people_services.personal_data(awa, actor=yanis)
    case = data["Accompagnement social"]
    assert [p["Parcours n°"] for p in case["Parcours"]] == [file_of_awa["period"].pk]
    period = case["Parcours"][0]
    assert period["Cercle"] == "Famille" and period["Statut"] == "En cours"
    assert period["Référent(e)"].startswith("Claire")
    notes = [exchange["Notes"] for exchange in period["Échanges"]]
    # His own private note, not Claire's: the exchange stays, its notes say they are private.
    assert "Awa craint l'expulsion" in notes and "Note privée de Yanis" in notes
    assert "Note privée de Claire" not in notes
    assert notes.count("(notes privées, lisibles seulement par leur auteur)") == 1
    assert period["Actions"][0]["Objectifs"] == "Reloger Awa"
    assert period["Actions"][0]["Évaluations"][0]["Observations"] == "Bail signé"
    assert period["Tâches"][0]["Tâche"] == "Rappeler la CAF" and period["Tâches"][0]["Confiée à"].startswith(
        "Yanis"
    )
    document = period["Documents"][0]
    assert document["Titre"] == "Quittance" and document["Type"] == "application/pdf"
    assert "contenu secret" not in json.dumps(data, ensure_ascii=False)  # the list, never the content
    assert case["Situation"] == [{"Rubrique": "Titre de séjour", "Réponse": "Carte de résident"}]
    assert case["Ressources et charges"][0]["Précision"] == "Aide de la tante"
    assert case["Contacts"][0]["Nom"] == "Dr Martin"
    assert case["Historique du foyer"][0]["Changement"] == "Arrivée dans le foyer"
    # Neither in « Autres données » a second time, nor the other scope's or the confidential period.
    assert not any("réponse" in name or "ressource" in name for name in data["Autres données"])
    dumped = json.dumps(data, ensure_ascii=False)
    assert "Stage" not in dumped
    assert str(file_of_awa["confidential"].pk) not in [str(p["Parcours n°"]) for p in case["Parcours"]]
    assert AuditEvent.objects.filter(
        action="casework.read", actor=yanis, person_id=awa.pk, detail="export des données personnelles"
    ).exists()


def test_the_referent_reads_the_confidential_period_and_her_private_note(file_of_awa):
    data = people_services.personal_data(file_of_awa["awa"], actor=file_of_awa["claire"])
    periods = {p["Parcours n°"]: p for p in data["Accompagnement social"]["Parcours"]}
    assert set(periods) == {file_of_awa["period"].pk, file_of_awa["confidential"].pk}
    notes = [exchange["Notes"] for exchange in periods[file_of_awa["period"].pk]["Échanges"]]
    assert "Note privée de Claire" in notes and "Note privée de Yanis" not in notes


@pytest.mark.parametrize("role", ["coordinator", "director", "reception"])
def test_anybody_else_of_the_centre_gets_no_trace_of_a_file(file_of_awa, staff, role):
    actor = staff(role)
    data = people_services.personal_data(file_of_awa["awa"], actor=actor)
    assert "Accompagnement social" not in data
    dumped = json.dumps(data, ensure_ascii=False)
    for secret in SECRETS:
        assert secret not in dumped, secret
    # Journal lines about the file (reads, answers, budget lines, contacts) are left out too.
    assert not any(line["Action"].startswith("Lecture d'un dossier") for line in data["Journal"])
    events = AuditEvent.objects.filter(person_id=file_of_awa["awa"].pk).exclude(action="personal_data_export")
    about_the_file = Q(action__startswith="casework.") | Q(object_type__startswith="casework.")
    assert events.filter(about_the_file).count() >= 4  # a read, an answer, a budget line, a contact
    assert len(data["Journal"]) == events.exclude(about_the_file).count()
    assert not AuditEvent.objects.filter(action="casework.read", actor=actor).exists()


def test_a_social_worker_of_another_centre_gets_nothing_and_another_centre_s_period_never_appears(
    file_of_awa, centre_b, worker
):
    awa = file_of_awa["awa"]
    services.ensure_defaults(centre_b)
    stranger = worker("b")
    scope_b = centre_b.casework_scopes.get(name="Famille")
    scope_b.workers.add(stranger)
    assert "Accompagnement social" not in people_services.personal_data(awa, actor=stranger)
    # Even a period of centre B that names Awa (only possible by going around the services) stays out
    # of what centre A's workers export.
    period_b = services.open_period(
        centre_b,
        by=stranger,
        persons=[PersonFactory(centre=centre_b)],
        scope=scope_b,
        referent=stranger,
        origin="partner",
        issues=[],
    )
    period_b.persons.add(awa)
    services.log_exchange(
        period_b, author=stranger, kind="call", happened_on=period_b.opened_on, notes="Centre B"
    )
    data = people_services.personal_data(awa, actor=file_of_awa["yanis"])
    assert period_b.pk not in [p["Parcours n°"] for p in data["Accompagnement social"]["Parcours"]]
    assert "Centre B" not in json.dumps(data, ensure_ascii=False)


def test_a_worker_without_a_scope_gets_the_person_s_file_but_no_period(file_of_awa, worker):
    """The situation, budget and contacts are read by every worker of the centre (the person's file);
    the periods only by those of their scope or named in them."""
    newcomer = worker()
    case = people_services.personal_data(file_of_awa["awa"], actor=newcomer)["Accompagnement social"]
    assert case["Parcours"] == [] and case["Situation"][0]["Réponse"] == "Carte de résident"


def test_the_export_pages_include_the_section_only_for_an_actor_who_may_read_it(
    client, file_of_awa, staff, otp_verified
):
    awa = file_of_awa["awa"]
    coordinator = staff("coordinator")
    client.force_login(coordinator)
    data = json.loads(client.post(reverse("people:person_export_json", args=[awa.pk])).content)
    assert "Accompagnement social" not in data
    pdf = client.post(reverse("people:person_export_pdf", args=[awa.pk])).content
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "Accompagnement social" not in text and "Reloger Awa" not in text

    # The social worker answers the access request from the case file: the same export, with the part of
    # the file they may read.
    client.force_login(file_of_awa["yanis"])
    assert client.get(reverse("casework:person_export_json", args=[awa.pk])).status_code == 405
    data = json.loads(client.post(reverse("casework:person_export_json", args=[awa.pk])).content)
    assert data["Accompagnement social"]["Parcours"][0]["Actions"][0]["Objectifs"] == "Reloger Awa"
    response = client.post(reverse("casework:person_export_pdf", args=[awa.pk]))
    assert response["Content-Disposition"].startswith('attachment; filename="donnees-personne-')
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    for expected in ("Accompagnement social", "Reloger Awa", "Bail signé", "Carte de résident", "Quittance"):
        assert expected in text, expected
    assert "Note privée de Claire" not in text and "Stage" not in text
    client.force_login(coordinator)
    assert client.post(reverse("casework:person_export_json", args=[awa.pk])).status_code == 404

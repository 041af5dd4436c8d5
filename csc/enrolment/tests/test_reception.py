"""Reception's inbox and decisions, as a reception officer sees them."""

import re
from datetime import date
from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse

from csc.activities.demo import build_leisure_centre
from csc.activities.models import GroupDay, Registration
from csc.core.models import OutboundMessage
from csc.enrolment import services
from csc.enrolment.models import Request, StatusMessage
from csc.enrolment.notifications import messages_of
from csc.people.models import Household, HouseholdMember, Person
from csc.testing.pages import page_text, visible_text
from csc.testing.tasks import run_task_worker

from .helpers import family

TODAY = date(2026, 11, 21)


@pytest.fixture
def leisure(centre_a):
    return build_leisure_centre(centre_a, today=TODAY, places=1, holiday_start=date(2026, 12, 21))


def submit(leisure, **kwargs):
    day = leisure.period.days.first()
    return services.submit_registration_request(
        period=leisure.period,
        submission=family([(leisure.groups[1], [(day.pk, leisure.units["day"].pk)])], **kwargs),
    )


def test_the_inbox_lists_requests_by_status_with_constant_queries(
    login, reception_a, leisure, django_assert_max_num_queries
):
    client = login(reception_a)
    for _ in range(3):
        submit(leisure)
    client.get(reverse("enrolment:inbox"))
    with django_assert_max_num_queries(12):
        response = client.get(reverse("enrolment:inbox"), {"statut": "toutes", "periode": leisure.period.pk})
    for _ in range(10):
        submit(leisure)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("enrolment:inbox"), {"statut": "toutes", "periode": leisure.period.pk})
    text = page_text(response)
    assert "13 demandes" in text
    # The season's membership list is one click away, whatever the filters.
    assert reverse("enrolment:export_memberships", args=[leisure.season.pk, "xlsx"]) in text
    waiting = client.get(reverse("enrolment:inbox"), {"statut": "liste_attente"})
    assert "(rang 1)" in page_text(waiting)
    # A value that is not a number in the filters is ignored, never an error.
    assert (
        client.get(reverse("enrolment:inbox"), {"periode": "x", "groupe": "'", "page": "zz"}).status_code
        == 200
    )


def test_a_request_opens_beside_its_likely_duplicates_and_validates_into_the_existing_household(
    login, reception_a, leisure, django_capture_on_commit_callbacks
):
    household = Household.objects.create(centre=leisure.activity.centre, name="Famille Martin", city="Lille")
    child = Person.objects.create(
        centre=leisure.activity.centre, first_name="Enfant0", last_name="Martin", birth_date=date(2018, 4, 2)
    )
    HouseholdMember.objects.create(household=household, person=child, relation="enfant")
    request = submit(leisure)
    client = login(reception_a)
    detail = visible_text(client.get(reverse("enrolment:request_detail", args=[request.pk])))
    assert "Enfant0 Martin (02/04/2018) — Famille Martin" in detail

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("enrolment:request_validate", args=[request.pk]),
            {"household": household.pk, "family_quotient": "700", "family_quotient_source": "caf"},
        )
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == "validee"
    registration = Registration.objects.get()
    assert registration.child == child  # matched, not created twice
    assert registration.household == household
    assert registration.amount.to_eng_string() == "6.30"  # QF corrected to 700 → 651–840
    run_task_worker()
    assert any("est validée" in m.subject for m in mail.outbox)


def test_refusing_needs_a_reason_and_frees_the_place_for_the_waiting_list(login, reception_a, leisure):
    first, second = submit(leisure), submit(leisure)
    assert second.status == "liste_attente"
    client = login(reception_a)
    empty = client.post(reverse("enrolment:request_refuse", args=[first.pk]), {"reason": ""})
    assert empty.status_code == 400
    assert "Écrivez le motif" in page_text(empty)
    client.post(
        reverse("enrolment:request_refuse", args=[first.pk]), {"reason": "Plus de place dans le groupe"}
    )
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == "refusee"
    assert second.status == "place_proposee"
    assert GroupDay.objects.get(group=leisure.groups[1], day=leisure.period.days.first()).held == 1


def test_a_request_already_processed_cannot_be_processed_again(login, reception_a, leisure):
    request = submit(leisure)
    client = login(reception_a)
    client.post(reverse("enrolment:request_refuse", args=[request.pk]), {"reason": "Doublon"})
    response = client.post(
        reverse("enrolment:request_validate", args=[request.pk]), {"household": "0"}, follow=True
    )
    assert "déjà été traitée" in page_text(response)
    assert Registration.objects.count() == 0


def test_waiting_list_rank_and_documents_missing(login, reception_a, leisure):
    first, second, third = submit(leisure), submit(leisure), submit(leisure)
    client = login(reception_a)
    response = client.post(reverse("enrolment:request_waiting_list", args=[third.pk]), {"rank": "0"})
    assert "Le rang commence à 1" in page_text(response)
    client.post(reverse("enrolment:request_waiting_list", args=[third.pk]), {"rank": "1"})
    assert dict(Request.objects.filter(status="liste_attente").values_list("pk", "waiting_rank")) == {
        third.pk: 1,
        second.pk: 2,
    }
    client.post(
        reverse("enrolment:request_documents", args=[first.pk]),
        {"reason": "L'attestation CAF de moins de 3 mois"},
    )
    first.refresh_from_db()
    assert first.status == "pieces_manquantes"


def test_a_failed_e_mail_shows_and_can_be_resent_to_the_corrected_address(
    login, reception_a, leisure, django_capture_on_commit_callbacks
):
    request = submit(leisure)
    other = submit(leisure)
    notification = messages_of(request).get()
    OutboundMessage.objects.filter(pk=notification.pk).update(
        status="echec", attempts=4, last_error="SMTPRecipientsRefused"
    )
    client = login(reception_a)
    inbox = client.get(reverse("enrolment:inbox")).content.decode()
    assert inbox.count("e-mail non envoyé") == 1
    detail = visible_text(client.get(reverse("enrolment:request_detail", args=[request.pk])))
    assert "Échec de l'envoi (SMTPRecipientsRefused)" in detail
    Request.objects.filter(pk=request.pk).update(email="corrigee@example.org")
    # Another request's e-mail is not reachable through this request.
    foreign = messages_of(other).get()
    assert client.post(reverse("enrolment:message_resend", args=[request.pk, foreign.pk])).status_code == 404
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("enrolment:message_resend", args=[request.pk, notification.pk]))
    notification.refresh_from_db()
    assert (notification.status, notification.recipient) == ("en_attente", "corrigee@example.org")
    run_task_worker()
    notification.refresh_from_db()
    assert notification.status == "envoye"
    assert mail.outbox[-1].to == ["corrigee@example.org"]
    assert mail.outbox[-1].attachments[0].filename == f"demande-{request.reference}.pdf"
    assert "e-mail non envoyé" not in client.get(reverse("enrolment:inbox")).content.decode()


def test_pdf_and_attestation_downloads(login, reception_a, leisure):
    from django.core.files.base import ContentFile

    request = submit(leisure)
    request.quotient_attestation.save("x", ContentFile(b"%PDF-1.4\n%%EOF\n"))
    client = login(reception_a)
    pdf = client.get(reverse("enrolment:request_pdf", args=[request.pk]))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content[:4] == b"%PDF"
    attestation = client.get(reverse("enrolment:request_attestation", args=[request.pk]))
    assert attestation["Content-Type"] == "application/pdf"


def test_another_centres_request_is_a_404(login, staff, leisure):
    request = submit(leisure)
    other = login(staff("reception", "b"))
    for name in ("request_detail", "request_pdf", "request_attestation"):
        assert other.get(reverse(f"enrolment:{name}", args=[request.pk])).status_code == 404
    assert (
        other.post(reverse("enrolment:request_refuse", args=[request.pk]), {"reason": "x"}).status_code == 404
    )
    request.refresh_from_db()
    assert request.status == "recue"
    animator = login(staff("animator", "a"))
    assert animator.get(reverse("enrolment:inbox")).status_code == 404


def test_the_centre_rewrites_an_e_mail(login, director_a, leisure, django_capture_on_commit_callbacks):
    client = login(director_a)
    page = client.get(reverse("enrolment:status_messages"))
    assert "Statut « Reçue »" in page_text(page)
    bad = client.post(reverse("enrolment:status_messages"), {"recue-subject": "Merci !", "recue-body": ""})
    assert bad.status_code == 400
    assert "Écrivez l'objet et le texte" in page_text(bad)
    client.post(
        reverse("enrolment:status_messages"),
        {
            "recue-subject": "Merci {prenom} !",
            "recue-body": "Demande {reference} reçue par {centre}. {inconnu}",
        },
    )
    assert StatusMessage.objects.get(centre=leisure.activity.centre).subject == "Merci {prenom} !"
    with django_capture_on_commit_callbacks(execute=True):
        request = submit(leisure)
    run_task_worker()
    assert mail.outbox[-1].subject == "Merci Nadia !"
    assert f"Demande {request.reference} reçue par Centre Alpha. {{inconnu}}" in mail.outbox[-1].body


def test_the_household_matching_names_and_birth_date_is_preselected_and_says_why(login, reception_a, leisure):
    centre = leisure.activity.centre
    household = Household.objects.create(centre=centre, name="Famille Martin", city="Lille")
    child = Person.objects.create(
        centre=centre, first_name="Enfant0", last_name="Martin", birth_date=date(2018, 4, 2)
    )
    HouseholdMember.objects.create(household=household, person=child, relation="enfant")
    request = submit(leisure)
    client = login(reception_a)
    response = client.get(reverse("enrolment:request_detail", args=[request.pk]))
    html = response.content.decode()
    checked = re.findall(r'<input type="radio" name="household" value="(\d+)"[^>]*\bchecked\b', html)
    assert checked == [str(household.pk)]  # not « Créer un nouveau foyer »
    text = visible_text(response)
    assert "Famille Martin — Enfant0 Martin, né(e) le 02/04/2018 : même nom et même date de naissance" in text
    # Nadia Martin is not in the registry: the sentence is French.
    assert "Nadia Martin : aucune personne connue" in text
    assert "personne de connu" not in text


def test_without_a_match_a_new_household_is_preselected(login, reception_a, leisure):
    request = submit(leisure)
    client = login(reception_a)
    html = client.get(reverse("enrolment:request_detail", args=[request.pk])).content.decode()
    assert re.findall(r'<input type="radio" name="household" value="(\d+)"[^>]*\bchecked\b', html) == ["0"]


def test_the_checked_quotient_is_shown_beside_the_declared_one_and_recorded_with_its_true_source(
    login, reception_a, leisure
):
    checked_request = submit(leisure, qf="480")
    client = login(reception_a)
    client.post(
        reverse("enrolment:request_validate", args=[checked_request.pk]),
        {"household": "0", "family_quotient": "700", "family_quotient_source": "caf"},
    )
    checked_request.refresh_from_db()
    assert checked_request.family_quotient == Decimal("480")  # what the family declared stays
    assert checked_request.checked_family_quotient == Decimal("700")
    household = checked_request.household
    assert (household.family_quotient, household.family_quotient_source) == (Decimal("700"), "caf")
    text = visible_text(client.get(reverse("enrolment:request_detail", args=[checked_request.pk])))
    assert "Quotient déclaré par la famille 480,00 €" in text
    assert "Quotient vérifié par l'accueil 700,00 € (Attestation CAF)" in text


def test_a_quotient_nobody_checked_is_recorded_as_declared(login, reception_a, leisure):
    declared_request = submit(leisure, qf="520")
    client = login(reception_a)
    client.post(reverse("enrolment:request_validate", args=[declared_request.pk]), {"household": "0"})
    declared_request.refresh_from_db()
    household = declared_request.household
    assert (household.family_quotient, household.family_quotient_source) == (Decimal("520"), "declaratif")
    text = visible_text(client.get(reverse("enrolment:request_detail", args=[declared_request.pk])))
    assert "Quotient vérifié par l'accueil non vérifié" in text


def test_a_checked_quotient_needs_its_source(login, reception_a, leisure):
    request = submit(leisure)
    client = login(reception_a)
    response = client.post(
        reverse("enrolment:request_validate", args=[request.pk]),
        {"household": "0", "family_quotient": "700", "family_quotient_source": ""},
    )
    assert response.status_code == 400
    assert "Dites sur quel justificatif vous avez vérifié le quotient." in page_text(response)
    request.refresh_from_db()
    assert request.status != "validee"


def test_the_e_mails_link_follows_the_site_the_request_came_in_on(login, reception_a, leisure, settings):
    """A decision taken on https://csc.centre-a.fr sends the family a link to that site, whatever
    CSC_PUBLIC_URL says; without a request (a task, a command), the link starts with the setting."""
    settings.CSC_PUBLIC_URL = "https://csc.reglage.example"
    first = submit(leisure)
    follow = reverse("enrolment:follow", args=["jeton"]).removesuffix("jeton/")  # the token is dated
    assert f"https://csc.reglage.example{follow}" in messages_of(first).get().body

    client = login(reception_a)
    client.post(
        reverse("enrolment:request_refuse", args=[first.pk]),
        {"reason": "Plus de place"},
        HTTP_HOST="csc.centre-a.fr",
        secure=True,
    )
    refused = messages_of(first).get(subject__contains="pas pu être acceptée")
    assert f"https://csc.centre-a.fr{follow}" in refused.body
    assert "127.0.0.1" not in refused.body and "csc.reglage.example" not in refused.body


def test_reception_reads_the_fee_explained_line_by_line(login, reception_a, leisure):
    """A request from a family without a quotient: the line says the highest bracket applied, and the
    sibling reduction shows as its own line."""
    days = list(leisure.period.days.all()[:2])
    day_unit = leisure.units["day"].pk
    request = services.submit_registration_request(
        period=leisure.period,
        submission=family(
            [
                (leisure.groups[2], [(days[0].pk, day_unit)]),
                (leisure.groups[1], [(days[0].pk, day_unit), (days[1].pk, day_unit)]),
            ],
            qf=None,
        ),
    )
    client = login(reception_a)
    text = visible_text(client.get(reverse("enrolment:request_detail", args=[request.pk])))
    assert "Enfant0 — Journée avec repas : 1 × 11,20 €" in text
    assert "Enfant1 — réduction 2e enfant (10 %) : −2,24 €" in text
    assert "Montant estimé : 31,36 €" in text

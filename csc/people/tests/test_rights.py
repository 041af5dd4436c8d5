import json
from datetime import date, timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from csc.core.models import AuditEvent, OutboundMessage
from csc.people.models import Household, HouseholdMember, Person
from csc.people.services import ANONYMOUS_LAST_NAME, anonymise_person
from csc.testing.factories import ConsentFactory, HouseholdFactory, HouseholdMemberFactory, PersonFactory


@pytest.fixture
def coordinator_a(staff, otp_verified):
    return staff("coordinator")


@pytest.mark.django_db
def test_the_json_export_holds_everything_about_the_person_and_is_journaled(client, coordinator_a, centre_a):
    member = HouseholdMemberFactory(
        household__centre=centre_a,
        household__name="Famille Haddad",
        person__last_name="Haddad",
        person__first_name="Nour",
    )
    ConsentFactory(person=member.person, kind="communications", granted=False)
    client.force_login(coordinator_a)
    response = client.post(reverse("people:person_export_json", args=[member.person_id]))
    assert response["Content-Disposition"].startswith('attachment; filename="donnees-personne-')
    data = json.loads(response.content)
    assert data["Personne"]["Nom"] == "Haddad" and data["Personne"]["Prénom"] == "Nour"
    assert data["Foyers"][0]["Foyer"] == "Famille Haddad"
    assert data["Consentements"][0]["Consentement"] == "Recevoir les informations du centre"
    assert any(line["Action"] == "Création" for line in data["Journal"])
    assert AuditEvent.objects.filter(action="personal_data_export", person_id=member.person_id).exists()


@pytest.mark.django_db
def test_the_pdf_export_is_a_real_pdf_with_the_persons_name(client, coordinator_a, centre_a):
    member = HouseholdMemberFactory(
        household__centre=centre_a, person__last_name="Haddad", person__first_name="Nour"
    )
    client.force_login(coordinator_a)
    response = client.post(reverse("people:person_export_pdf", args=[member.person_id]))
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert len(response.content) > 2000


@pytest.mark.django_db
def test_reception_cannot_export_or_erase(client, reception_a, centre_a):
    person = PersonFactory(centre=centre_a)
    client.force_login(reception_a)
    for name in ("person_export_json", "person_export_pdf", "person_anonymise", "person_erase"):
        assert client.post(reverse(f"people:{name}", args=[person.pk])).status_code == 404


@pytest.mark.django_db
def test_anonymising_keeps_the_figures_and_removes_the_identity(client, coordinator_a, centre_a):
    member = HouseholdMemberFactory(
        household__centre=centre_a,
        person__last_name="Haddad",
        person__email="nour@example.org",
        person__phone="+33612345678",
        person__birth_date=date(1990, 7, 14),
        person__city="Roubaix",
        person__in_qpv=True,
    )
    ConsentFactory(person=member.person)
    client.force_login(coordinator_a)
    missing = client.post(reverse("people:person_anonymise", args=[member.person_id]), {})
    assert "Cochez la case pour confirmer" in missing.content.decode()
    client.post(reverse("people:person_anonymise", args=[member.person_id]), {"confirm": "on"})
    person = Person.objects.get(pk=member.person_id)
    assert person.last_name == ANONYMOUS_LAST_NAME and person.first_name == "" and person.email == ""
    assert person.phone == "" and person.birth_date == date(1990, 1, 1)
    assert person.city == "Roubaix" and person.in_qpv and person.sex == "F"
    assert not person.consents.exists()
    household = Household.objects.get(pk=member.household_id)
    assert household.name == "Foyer anonymisé" and household.family_quotient is None
    assert AuditEvent.objects.filter(action="anonymise", person_id=person.pk).exists()


@pytest.mark.django_db
def test_a_household_keeps_its_name_while_an_identified_member_remains(centre_a, coordinator_a):
    household = HouseholdFactory(centre=centre_a, name="Famille Leroy")
    first = HouseholdMemberFactory(household=household)
    HouseholdMemberFactory(household=household)
    anonymise_person(person=first.person, actor=coordinator_a)
    household.refresh_from_db()
    assert household.name == "Famille Leroy"


@pytest.mark.django_db
def test_erasing_deletes_the_person_and_an_emptied_household(client, coordinator_a, centre_a):
    member = HouseholdMemberFactory(household__centre=centre_a)
    client.force_login(coordinator_a)
    response = client.post(reverse("people:person_erase", args=[member.person_id]), {"confirm": "on"})
    assert response.url == reverse("people:search")
    assert not Person.objects.filter(pk=member.person_id).exists()
    assert not Household.objects.filter(pk=member.household_id).exists()
    assert not HouseholdMember.objects.exists()
    assert AuditEvent.objects.filter(action="erase", person_id=member.person_id).exists()


@pytest.mark.django_db
def test_the_retention_command_anonymises_what_expired_per_centre(centre_a, centre_b):
    centre_a.retention_months = 12
    centre_a.save()
    old = timezone.now() - timedelta(days=400)
    expired = PersonFactory(centre=centre_a, last_activity_at=old)
    kept_longer = PersonFactory(centre=centre_b, last_activity_at=old)  # centre B keeps 36 months
    recent = PersonFactory(centre=centre_a)
    from csc.core import notify

    def message(centre, age_days):
        sent = notify.email(purpose="tests", to="x@example.org", subject="S", body="B", centre=centre)
        OutboundMessage.objects.filter(pk=sent.pk).update(
            status="envoye", created_at=timezone.now() - timedelta(days=age_days)
        )
        return sent

    old_message, recent_message, kept_message = (
        message(centre_a, 400),
        message(centre_a, 300),
        message(centre_b, 400),
    )
    call_command("anonymise_expired")
    assert Person.objects.get(pk=expired.pk).is_anonymised
    assert not Person.objects.get(pk=kept_longer.pk).is_anonymised
    assert not Person.objects.get(pk=recent.pk).is_anonymised
    # The e-mails sent by the centre follow the same period: older ones no longer say to whom nor what.
    for sent in (old_message, recent_message, kept_message):
        sent.refresh_from_db()
    assert (old_message.recipient, old_message.body, old_message.status) == ("", "", "envoye")
    assert recent_message.recipient == kept_message.recipient == "x@example.org"


@pytest.mark.django_db
def test_a_director_sets_the_retention_period_with_checks(client, director_a, centre_a):
    client.force_login(director_a)
    bad = client.post(reverse("core:centre_settings"), {"retention_months": "500"})
    assert "entre 1 et 120 mois" in bad.content.decode()
    client.post(reverse("core:centre_settings"), {"retention_months": "24"})
    centre_a.refresh_from_db()
    assert centre_a.retention_months == 24


@pytest.mark.django_db
def test_dealing_with_one_member_keeps_the_whole_family(centre_a, reception_a):
    from csc.people.services import touch

    household = HouseholdFactory(centre=centre_a)
    old = timezone.now() - timedelta(days=2000)
    mother = HouseholdMemberFactory(household=household, person__last_activity_at=old).person
    child = HouseholdMemberFactory(
        household=household, relation="enfant", person__last_activity_at=old
    ).person
    touch(mother)
    call_command("anonymise_expired")
    assert not Person.objects.get(pk=child.pk).is_anonymised


@pytest.mark.django_db
def test_no_consent_is_added_to_an_anonymised_person(client, coordinator_a, centre_a):
    person = PersonFactory(centre=centre_a)
    anonymise_person(person=person, actor=coordinator_a)
    client.force_login(coordinator_a)
    url = reverse("people:consent_add", args=[person.pk])
    assert (
        client.post(url, {"kind": "photos", "granted": "oui", "decided_on": "2026-01-01"}).status_code == 404
    )
    assert not person.consents.exists()


@pytest.mark.django_db
def test_an_export_is_never_triggered_by_a_simple_link(client, coordinator_a, centre_a):
    person = PersonFactory(centre=centre_a)
    client.force_login(coordinator_a)
    assert client.get(reverse("people:person_export_pdf", args=[person.pk])).status_code == 405
    assert not AuditEvent.objects.filter(action="personal_data_export").exists()


@pytest.mark.django_db
def test_the_messages_sent_to_the_person_are_exported_then_blanked_by_anonymisation(
    client, coordinator_a, centre_a, centre_b
):
    from csc.core import notify

    member = HouseholdMemberFactory(household__centre=centre_a, person__email="nour@example.org")
    to_nour = notify.email(
        purpose="enrolment.status",
        to="Nour@example.org",
        subject="Votre demande A-1 est validée",
        body="Bonjour Nour",
        centre=centre_a,
        queue=False,
    )
    notify.deliver(to_nour)
    notify.email(purpose="tests", to="autre@example.org", subject="Autre", body="x", centre=centre_a)
    other_centre = notify.email(
        purpose="tests", to="nour@example.org", subject="B", body="x", centre=centre_b
    )
    client.force_login(coordinator_a)
    data = json.loads(client.post(reverse("people:person_export_json", args=[member.person_id])).content)
    sent = data["Autres données"]["messages envoyés"]
    assert [(m["Sujet"], m["Texte"], m["État"], m["Canal"]) for m in sent] == [
        ("Votre demande A-1 est validée", "Bonjour Nour", "Envoyé", "e-mail")
    ]
    pdf = client.post(reverse("people:person_export_pdf", args=[member.person_id]))
    assert pdf.content.startswith(b"%PDF")

    client.post(reverse("people:person_anonymise", args=[member.person_id]), {"confirm": "on"})
    to_nour.refresh_from_db()
    assert (to_nour.recipient, to_nour.subject, to_nour.body) == ("", "", "")
    assert (to_nour.purpose, to_nour.status) == ("enrolment.status", "envoye")  # the figures stay
    other_centre.refresh_from_db()
    assert other_centre.recipient == "nour@example.org"  # another centre's record is not this one's


@pytest.mark.django_db
def test_erasing_the_person_blanks_the_messages_sent_to_them(client, coordinator_a, centre_a):
    from csc.core import notify

    member = HouseholdMemberFactory(household__centre=centre_a, person__email="nour@example.org")
    message = notify.email(purpose="tests", to="nour@example.org", subject="S", body="B", centre=centre_a)
    client.force_login(coordinator_a)
    client.post(reverse("people:person_erase", args=[member.person_id]), {"confirm": "on"})
    message.refresh_from_db()
    assert (message.recipient, message.subject, message.status) == ("", "", "echec")

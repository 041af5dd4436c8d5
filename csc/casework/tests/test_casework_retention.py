"""Retention of social follow-up: closed periods past their centre's limit are anonymised (free text
wiped, documents deleted, nobody linked, the figures kept), and a person anonymised or erased by the
people module takes their case file with them."""

import io
from datetime import timedelta

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from csc.casework import retention, services
from csc.casework.models import (
    BudgetLine,
    Document,
    Evaluation,
    Exchange,
    HouseholdChange,
    LetterTemplate,
    Period,
    PersonContact,
    SituationField,
    SituationValue,
    SocialAction,
    Task,
)
from csc.core.models import AuditEvent
from csc.people import services as people_services

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def ago(days):
    return TODAY - timedelta(days=days)


def pdf(text):
    return SimpleUploadedFile("piece.pdf", f"%PDF-1.4\n{text}\n%%EOF\n".encode())


@pytest.fixture
def referent(worker, scopes):
    user = worker()
    scopes["Famille"].workers.add(user)
    return user


@pytest.fixture
def full_period(referent, family, open_period):
    """full_period(opened_days_ago, closed_days_ago=None, persons=None) -> a period with everything a
    period can hold: an exchange with notes and people, an action with its goals, result and an
    evaluation, a task with details, a document; closed that many days ago if asked."""
    household, mother, son = family

    def make(opened, closed=None, persons=None):
        period = open_period(
            referent,
            persons or [mother, son],
            opened_on=ago(opened),
            household=household,
            requester="Mme Leroy, voisine",
        )
        exchange = services.log_exchange(
            period,
            author=referent,
            kind="interview",
            happened_on=ago(opened),
            duration_minutes=45,
            persons=list(period.persons.all()),
            counterpart="CAF de Roubaix",
            notes="Awa Diallo craint l'expulsion",
        )
        action = services.start_action(
            period,
            by=referent,
            title="Dossier DALO de Mme Diallo",
            issue=period.issues.get(name="Logement"),
            goals="Reloger Awa",
            started_on=ago(opened),
        )
        services.evaluate_action(
            action, by=referent, progress="some", notes="Awa a rendu ses papiers", evaluated_on=ago(opened)
        )
        services.end_action(
            action, result="partly", result_notes="Relogée chez sa sœur", ended_on=ago(opened)
        )
        task = services.assign_task(
            period,
            by=referent,
            assignee=referent,
            title="Rappeler Mme Diallo",
            due_on=ago(opened),
            details="Au 06 12",
        )
        document = services.add_document(
            period, by=referent, upload=pdf("Bail Diallo"), title="Bail de Mme Diallo", category="housing"
        )
        if closed is not None:
            services.close_period(period, reason="moved", closed_on=ago(closed))
        return period, exchange, action, task, document

    return make


def run_command(*args):
    out = io.StringIO()
    call_command("anonymise_closed_periods", *args, stdout=out)
    return out.getvalue()


def test_a_period_closed_longer_ago_than_the_retention_is_anonymised_and_its_figures_kept(
    centre_a, full_period, django_capture_on_commit_callbacks
):
    centre_a.retention_months = 24
    centre_a.save()
    period, exchange, action, task, document = full_period(opened=900, closed=800)
    issues = set(period.issues.values_list("pk", flat=True))
    stored = document.file.name
    assert default_storage.exists(stored)

    with django_capture_on_commit_callbacks(execute=True):
        out = run_command()

    assert out == f"{centre_a.name} : 1 parcours\n1 parcours anonymisé(s).\n"
    period.refresh_from_db()
    assert period.anonymised_at is not None
    assert not period.persons.exists() and period.household_id is None and period.requester == ""
    # What the figures count stays.
    assert period.status == "closed" and period.closed_on == ago(800) and period.closing_reason == "moved"
    assert period.opened_on == ago(900) and period.origin == "spontaneous" and period.scope.name == "Famille"
    assert set(period.issues.values_list("pk", flat=True)) == issues and period.referent_id is not None
    exchange = Exchange.objects.get(pk=exchange.pk)
    assert (exchange.kind, exchange.happened_on, exchange.duration_minutes) == ("interview", ago(900), 45)
    assert exchange.notes == "" and exchange.counterpart == "" and not exchange.persons.exists()
    action = SocialAction.objects.get(pk=action.pk)
    assert (action.title, action.goals, action.result_notes) == ("Action anonymisée", "", "")
    assert action.result == "partly" and action.issue.name == "Logement" and action.ended_on == ago(900)
    evaluation = Evaluation.objects.get(action=action)
    assert evaluation.notes == "" and evaluation.progress == "some"
    task = Task.objects.get(pk=task.pk)
    assert (task.title, task.details, task.due_on) == ("Tâche anonymisée", "", ago(900))
    assert not Document.objects.filter(period=period).exists()
    assert not default_storage.exists(stored)
    event = AuditEvent.objects.get(
        action="anonymise", object_type="casework.period", object_id=str(period.pk)
    )
    assert event.centre_id == centre_a.pk and event.actor_id is None
    assert event.detail == (
        "durée de conservation dépassée : 1 échange(s), 1 action(s), 1 tâche(s), 1 document(s)"
    )
    retention.anonymise_period(period)  # again: nothing more happens
    assert AuditEvent.objects.filter(action="anonymise", object_type="casework.period").count() == 1
    # Nothing of what was written is left in the tables, in clear or encrypted.
    with connection.cursor() as cursor:
        cursor.execute("SELECT notes, counterpart FROM casework_exchange WHERE id = %s", [exchange.pk])
        assert cursor.fetchone() == ("", "")
        cursor.execute("SELECT goals, result_notes FROM casework_socialaction WHERE id = %s", [action.pk])
        assert cursor.fetchone() == ("", "")


def test_only_closed_periods_past_their_own_centres_limit_are_touched(
    centre_a, centre_b, full_period, referent, family, open_period, worker
):
    from csc.testing.factories import PersonFactory

    centre_a.retention_months = 12
    centre_a.save()
    old, *_ = full_period(opened=500, closed=400)
    recent, *_ = full_period(opened=500, closed=300)  # closed 300 days ago: within 12 months of 30 days
    running, *_ = full_period(opened=500)
    at_the_limit, *_ = full_period(opened=500, closed=360)  # exactly 12 × 30 days: not yet past
    # Centre B keeps five years: its period closed 400 days ago stays.
    centre_b.retention_months = 60
    centre_b.save()
    services.ensure_defaults(centre_b)
    worker_b = worker("b")
    period_b = services.open_period(
        centre_b,
        by=worker_b,
        persons=[PersonFactory(centre=centre_b)],
        scope=centre_b.casework_scopes.first(),
        referent=worker_b,
        origin="partner",
        issues=[],
        opened_on=ago(500),
    )
    services.close_period(period_b, reason="goals_met", closed_on=ago(400))

    assert run_command("--simulation") == (
        f"{centre_a.name} : 1 parcours\n1 parcours à anonymiser (simulation, rien n'est changé).\n"
    )
    assert not Period.objects.filter(anonymised_at__isnull=False).exists()
    run_command()
    assert set(Period.objects.filter(anonymised_at__isnull=False)) == {old}
    for kept in (recent, running, at_the_limit):
        kept.refresh_from_db()
        assert kept.anonymised_at is None and kept.persons.exists()
        assert Exchange.objects.get(period=kept).notes == "Awa Diallo craint l'expulsion"
    period_b.refresh_from_db()
    assert period_b.anonymised_at is None and period_b.persons.exists()
    # Idempotent: the next night finds nothing more.
    assert run_command() == "0 parcours anonymisé(s).\n"
    assert AuditEvent.objects.filter(action="anonymise", object_type="casework.period").count() == 1


def test_an_anonymised_person_takes_their_case_file_and_leaves_the_household_s_period(
    centre_a, family, referent, full_period, open_period, django_capture_on_commit_callbacks
):
    household, mother, son = family
    field = SituationField.objects.create(centre=centre_a, label="Titre de séjour")
    services.save_situation(son, by=referent, answers={field.pk: "Carte de résident"})
    services.save_situation(mother, by=referent, answers={field.pk: "Française"})
    services.add_budget_line(son, by=referent, direction="income", category="salary", monthly_amount=800)
    third_party = services.save_third_party(centre_a, name="Dr Martin", kind="doctor")
    services.link_contact(son, third_party=third_party, role="médecin traitant")
    assert HouseholdChange.objects.filter(person=son).exists()  # written when he joined the household
    shared, exchange, *_ = full_period(opened=30)  # the mother and the son
    alone = open_period(referent, [son], scope="Famille")
    services.log_exchange(
        alone, author=referent, kind="call", happened_on=TODAY, notes="Moussa cherche un stage"
    )
    template = LetterTemplate.objects.create(
        centre=centre_a, kind="certificate", name="Attestation", body="{prenom}"
    )
    for_son = services.generate_document(shared, by=referent, template=template, person=son)
    for_mother = services.generate_document(shared, by=referent, template=template, person=mother)

    with django_capture_on_commit_callbacks(execute=True):
        people_services.anonymise_person(person=son, actor=referent, reason="demande de la personne")

    for model in (SituationValue, BudgetLine, PersonContact, HouseholdChange):
        assert not model.objects.filter(person=son).exists(), model
    assert SituationValue.objects.filter(person=mother).exists()  # the mother's file stays
    assert set(shared.persons.all()) == {mother}
    assert set(Exchange.objects.get(pk=exchange.pk).persons.all()) == {mother}
    shared.refresh_from_db()
    assert shared.anonymised_at is None and shared.status == "open"
    assert Exchange.objects.get(pk=exchange.pk).notes == "Awa Diallo craint l'expulsion"
    # The letter made out to him by name goes; his mother's stays.
    assert not Document.objects.filter(pk=for_son.pk).exists()
    assert not default_storage.exists(for_son.file.name)
    assert Document.objects.filter(pk=for_mother.pk).exists()
    # The period that was his alone has nobody left to follow: anonymised, and closed that day.
    alone.refresh_from_db()
    assert alone.anonymised_at is not None and not alone.persons.exists()
    assert (alone.status, alone.closed_on, alone.closing_reason) == ("closed", TODAY, "other")
    assert list(Exchange.objects.filter(period=alone).values_list("notes", flat=True)) == [""]
    assert AuditEvent.objects.filter(
        action="anonymise",
        object_type="casework.period",
        object_id=str(alone.pk),
        detail__startswith="demande",
    ).exists()


def test_an_expired_person_goes_the_same_way_through_the_nightly_command(
    centre_a, family, referent, open_period
):
    _, mother, _ = family
    period = open_period(referent, [mother])
    services.add_budget_line(mother, by=referent, direction="charge", category="rent", monthly_amount=450)
    from csc.people.models import Person

    Person.objects.filter(pk=mother.pk).update(last_activity_at=timezone.now() - timedelta(days=5000))
    call_command("anonymise_expired", stdout=io.StringIO())
    assert not BudgetLine.objects.filter(person=mother).exists()
    period.refresh_from_db()
    assert period.anonymised_at is not None and not period.persons.exists()


def test_an_erased_person_leaves_no_period_with_notes_about_nobody(family, referent, full_period):
    _, mother, son = family
    period, exchange, *_ = full_period(opened=10, persons=[son])
    people_services.erase_person(person=son, actor=referent)
    period.refresh_from_db()
    assert period.anonymised_at is not None and period.status == "closed"
    assert Exchange.objects.get(pk=exchange.pk).notes == ""
    assert not Document.objects.filter(period=period).exists()

"""A request's life: submission, places, waiting list, validation into the registry, e-mails."""

from datetime import date
from decimal import Decimal

import pytest
from django.core import mail

from csc.activities.demo import build_leisure_centre
from csc.activities.models import GroupDay, Registration
from csc.core import notify
from csc.core.models import OutboundMessage
from csc.enrolment import services
from csc.enrolment.models import Request
from csc.enrolment.notifications import follow_token, request_from_token
from csc.people.models import Household, Membership, Person
from csc.testing.tasks import run_task_worker

from .helpers import family

TODAY = date(2026, 11, 21)


@pytest.fixture
def leisure(centre_a):
    return build_leisure_centre(centre_a, today=TODAY, places=2, holiday_start=date(2026, 12, 21))


def days(leisure, n=2):
    return list(leisure.period.days.all())[:n]


def run_worker():
    run_task_worker()


def held(leisure, group):
    return {gd.day_id: gd.held for gd in GroupDay.objects.filter(group=group)}


def test_submission_holds_places_and_a_full_day_sends_the_next_family_to_the_waiting_list(leisure):
    moyens = leisure.groups[1]
    day = leisure.units["day"]
    booking = [(d.pk, day.pk) for d in days(leisure)]
    first = services.submit_registration_request(
        period=leisure.period, submission=family([(moyens, booking)])
    )
    second = services.submit_registration_request(
        period=leisure.period, submission=family([(moyens, booking)])
    )
    third = services.submit_registration_request(
        period=leisure.period, submission=family([(moyens, booking)])
    )
    assert [first.status, second.status, third.status] == ["recue", "recue", "liste_attente"]
    assert third.waiting_rank == 1
    assert set(held(leisure, moyens).values()) >= {2}

    services.cancel(request=second)
    third.refresh_from_db()
    assert third.status == Request.Status.OFFERED
    assert third.waiting_rank is None


def test_the_same_submission_twice_is_one_request(leisure):
    submission = family([(leisure.groups[1], [(days(leisure)[0].pk, leisure.units["day"].pk)])])
    one = services.submit_registration_request(period=leisure.period, submission=submission)
    two = services.submit_registration_request(period=leisure.period, submission=submission)
    assert one.pk == two.pk
    assert Request.objects.count() == 1
    assert GroupDay.objects.get(group=leisure.groups[1], day=days(leisure)[0]).held == 1


def test_a_meal_takes_no_place_and_two_children_of_one_group_take_two(leisure):
    moyens = leisure.groups[1]
    d = days(leisure)[0]
    kids = [(moyens, [(d.pk, leisure.units["morning"].pk), (d.pk, leisure.units["meal"].pk)])] * 2
    submission = family(kids)
    for kid in submission.children:
        kid.birth_date = date(2019, 6, 1)
    services.submit_registration_request(period=leisure.period, submission=submission)
    assert GroupDay.objects.get(group=moyens, day=d).held == 2


def test_validation_creates_the_household_the_children_the_registrations_and_e_mails(
    leisure, reception_a, django_capture_on_commit_callbacks
):
    d1, d2 = days(leisure)
    with django_capture_on_commit_callbacks(execute=True):
        request = services.submit_registration_request(
            period=leisure.period,
            submission=family(
                [(leisure.groups[1], [(d1.pk, leisure.units["day"].pk), (d2.pk, leisure.units["day"].pk)])]
            ),
        )
    run_worker()
    assert mail.outbox[-1].subject == f"Votre demande {request.reference} est bien reçue"
    assert mail.outbox[-1].to == [request.email]
    assert mail.outbox[-1].attachments[0][0] == f"demande-{request.reference}.pdf"
    assert mail.outbox[-1].attachments[0][2] == "application/pdf"
    assert mail.outbox[-1].attachments[0][1][:4] == b"%PDF"

    with django_capture_on_commit_callbacks(execute=True):
        services.validate(request=request, by=reception_a)
    request.refresh_from_db()
    assert request.status == "validee"
    household = Household.objects.get()
    assert household.centre == leisure.activity.centre
    assert household.family_quotient == Decimal("480")
    registration = Registration.objects.get()
    assert registration.child.first_name == "Enfant0"
    assert registration.amount == Decimal("8.30")  # 2 × 4,15
    assert registration.booked_units.count() == 2
    assert Person.objects.filter(memberships__household=household).count() == 2
    # Validating keeps the places held at submission: no double count.
    assert GroupDay.objects.get(group=leisure.groups[1], day=d1).held == 1
    run_worker()
    assert mail.outbox[-1].subject == f"Votre demande {request.reference} est validée"
    assert mail.outbox[-1].attachments == []  # the summary goes with the first e-mail only
    sent = list(notify.messages_about(request).values_list("purpose", "status", "subject"))
    assert sent == [
        ("enrolment.status", "envoye", f"Votre demande {request.reference} est validée"),
        ("enrolment.status", "envoye", f"Votre demande {request.reference} est bien reçue"),
    ]


def test_validating_a_membership_attaches_to_an_existing_household(leisure, reception_a):
    existing = Household.objects.create(centre=leisure.activity.centre, name="Famille Martin", city="Lille")
    submission = family([], qf="900")
    request = services.submit_membership_request(
        centre=leisure.activity.centre, season=leisure.season, submission=submission
    )
    assert request.fee_total == Decimal("10.00")
    services.validate(request=request, by=reception_a, decision=services.Validation(household=existing))
    membership = Membership.objects.get()
    assert membership.household == existing
    assert membership.fee == Decimal("10.00")
    assert membership.bracket_label == "651 à 1050 €"


def test_a_household_of_another_centre_is_refused(leisure, reception_a, centre_b):
    foreign = Household.objects.create(centre=centre_b, name="Famille Autre")
    request = services.submit_membership_request(
        centre=leisure.activity.centre, season=leisure.season, submission=family([])
    )
    with pytest.raises(services.RequestError):
        services.validate(request=request, by=reception_a, decision=services.Validation(household=foreign))
    request.refresh_from_db()
    assert request.status == "recue"


def test_waiting_list_ranks_and_refusal_reasons_reach_the_family(
    leisure, reception_a, django_capture_on_commit_callbacks
):
    moyens = leisure.groups[1]
    booking = [(days(leisure)[0].pk, leisure.units["day"].pk)]
    requests = [
        services.submit_registration_request(period=leisure.period, submission=family([(moyens, booking)]))
        for _ in range(5)
    ]
    assert [r.status for r in requests] == [
        "recue",
        "recue",
        "liste_attente",
        "liste_attente",
        "liste_attente",
    ]
    services.put_on_waiting_list(request=requests[4], by=reception_a, rank=1)
    ranks = dict(Request.objects.filter(status="liste_attente").values_list("pk", "waiting_rank"))
    assert ranks == {requests[4].pk: 1, requests[2].pk: 2, requests[3].pk: 3}

    with django_capture_on_commit_callbacks(execute=True):
        services.refuse(request=requests[0], by=reception_a, reason="Dossier incomplet depuis deux mois")
    offered = Request.objects.get(status="place_proposee")
    assert offered.pk == requests[4].pk
    ranks = dict(Request.objects.filter(status="liste_attente").values_list("pk", "waiting_rank"))
    assert ranks == {requests[2].pk: 1, requests[3].pk: 2}
    run_worker()
    refused_mail = next(m for m in mail.outbox if "n'a pas pu être acceptée" in m.subject)
    assert "Dossier incomplet depuis deux mois" in refused_mail.body


def test_a_failing_mail_server_is_retried_then_shown_as_failed(leisure, settings, clock):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 9  # nothing listens there
    request = services.submit_membership_request(
        centre=leisure.activity.centre, season=leisure.season, submission=family([])
    )
    notification = notify.messages_about(request).get()
    for _ in range(notify.MAX_ATTEMPTS):
        notify.send_message.call(notification.pk)
        notification.refresh_from_db()
        if notification.next_attempt_at:
            clock(notification.next_attempt_at)
    assert notification.status == OutboundMessage.Status.FAILED
    assert notification.attempts == notify.MAX_ATTEMPTS
    assert "ConnectionRefused" in notification.last_error or "Error" in notification.last_error


def test_follow_links_are_signed(leisure):
    request = services.submit_membership_request(
        centre=leisure.activity.centre, season=leisure.season, submission=family([])
    )
    token = follow_token(request)
    assert request_from_token(token) == request
    assert request_from_token(token[:-2] + "xx") is None
    assert request_from_token("n-importe-quoi") is None

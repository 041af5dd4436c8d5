"""The waiting list's offers expire after the centre's delay; places added go to the waiting list;
reception cancels a request with a reason; the desk charges what the online path charges."""

import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse

from csc.activities import services as activity_services
from csc.activities.demo import build_leisure_centre
from csc.activities.desk import services as desk
from csc.activities.models import Registration
from csc.core import notify
from csc.enrolment import services
from csc.enrolment.models import EnrolmentSettings, Request
from csc.testing.factories import HouseholdFactory, HouseholdMemberFactory, PersonFactory
from csc.testing.pages import page_text

from .helpers import family

pytestmark = pytest.mark.django_db
Status = Request.Status


@pytest.fixture
def leisure(centre_a, clock):
    clock("2026-11-21 10:00")
    return build_leisure_centre(
        centre_a, today=date(2026, 11, 21), places=1, holiday_start=date(2026, 12, 21)
    )


def _ask(leisure, day_count=2):
    moyens = leisure.groups[1]
    booking = [(d.pk, leisure.units["day"].pk) for d in list(leisure.period.days.all())[:day_count]]
    return services.submit_registration_request(period=leisure.period, submission=family([(moyens, booking)]))


def _subjects(request):
    return list(notify.messages_about(request).values_list("subject", flat=True))


def test_an_offered_place_expires_after_the_centres_delay_and_goes_to_the_next(leisure, centre_a, clock):
    EnrolmentSettings.objects.create(centre=centre_a, offer_delay_days=2)
    holder, second, third = _ask(leisure), _ask(leisure), _ask(leisure)
    assert [second.status, third.status] == [Status.WAITING_LIST, Status.WAITING_LIST]
    services.cancel(request=holder)
    second.refresh_from_db()
    assert second.status == Status.OFFERED
    assert second.offer_expires_at.date() == date(2026, 11, 23)
    clock("2026-11-22 10:00")
    assert services.expire_offers() == []  # not yet
    clock("2026-11-23 10:01")
    out = io.StringIO()
    call_command("expire_offers", stdout=out)
    assert out.getvalue().strip() == "1 place(s) proposée(s) expirée(s)."
    second.refresh_from_db()
    third.refresh_from_db()
    assert second.status == Status.EXPIRED and not second.holds_places
    assert second.offer_expires_at is None
    assert third.status == Status.OFFERED  # the place went to the next family
    assert any("n'est plus réservée" in subject for subject in _subjects(second))
    assert any("Une place s'est libérée" in subject for subject in _subjects(third))
    assert second.events.last().note == services.EXPIRY_NOTE


def test_reception_opening_the_inbox_expires_the_offers_past_their_delay(client, leisure, reception_a, clock):
    holder, waiting = _ask(leisure), _ask(leisure)
    services.cancel(request=holder)
    clock("2026-11-24 11:00")  # three days by default
    client.force_login(reception_a)
    assert client.get(reverse("enrolment:inbox")).status_code == 200
    waiting.refresh_from_db()
    assert waiting.status == Status.EXPIRED


def test_an_offer_validated_before_its_delay_does_not_expire(leisure, reception_a, clock):
    holder, waiting = _ask(leisure), _ask(leisure)
    services.cancel(request=holder)
    services.validate(request=waiting, by=reception_a)
    clock("2026-12-01 10:00")
    assert services.expire_offers() == []
    waiting.refresh_from_db()
    assert waiting.status == Status.VALIDATED


def test_places_added_to_a_period_are_offered_to_the_waiting_list(
    leisure, django_capture_on_commit_callbacks
):
    _ask(leisure)
    waiting = _ask(leisure)
    assert waiting.status == Status.WAITING_LIST
    moyens = leisure.groups[1]
    raised = {(moyens.pk, d.pk): 2 for d in leisure.period.days.all()}
    with django_capture_on_commit_callbacks(execute=True):
        activity_services.set_capacities(leisure.period, raised)
    waiting.refresh_from_db()
    assert waiting.status == Status.OFFERED


def test_places_lowered_offer_nothing(leisure, django_capture_on_commit_callbacks):
    _ask(leisure)
    waiting = _ask(leisure)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        activity_services.set_capacities(
            leisure.period, {(leisure.groups[0].pk, d.pk): 0 for d in leisure.period.days.all()}
        )
    assert callbacks == []
    waiting.refresh_from_db()
    assert waiting.status == Status.WAITING_LIST


def test_reception_cancels_a_request_with_a_reason_the_family_reads(client, leisure, reception_a):
    holder, waiting = _ask(leisure), _ask(leisure)
    with pytest.raises(services.RequestError, match="motif"):
        services.cancel(request=holder, by=reception_a, reason="")
    client.force_login(reception_a)
    url = reverse("enrolment:request_cancel", args=[holder.pk])
    assert client.post(url, {"annulation-reason": ""}).status_code == 400
    response = client.post(url, {"annulation-reason": "La famille a trouvé une autre solution."})
    assert response.status_code == 302
    holder.refresh_from_db()
    assert holder.status == Status.CANCELLED
    assert holder.events.last().note == "La famille a trouvé une autre solution."
    message = notify.messages_about(holder).order_by("-pk").first()
    assert "La famille a trouvé une autre solution." in message.body
    detail = page_text(client.get(reverse("enrolment:request_detail", args=[holder.pk])))
    assert "La famille a trouvé une autre solution." in detail  # in the history
    waiting.refresh_from_db()
    assert waiting.status == Status.OFFERED  # its place went to the waiting list


def test_a_foreign_request_cannot_be_cancelled(client, leisure, centre_b, staff):
    leisure_b = build_leisure_centre(centre_b, today=date(2026, 11, 21), holiday_start=date(2026, 12, 21))
    foreign = _ask(leisure_b)
    client.force_login(staff("reception", "a"))
    url = reverse("enrolment:request_cancel", args=[foreign.pk])
    assert client.post(url, {"annulation-reason": "intrus"}).status_code == 404
    foreign.refresh_from_db()
    assert foreign.status == Status.RECEIVED


def test_the_director_sets_the_delay_and_reception_cannot(client, centre_a, director_a, reception_a):
    url = reverse("enrolment:settings")
    client.force_login(reception_a)
    assert client.get(url).status_code == 404
    client.force_login(director_a)
    assert client.get(url).status_code == 200
    for bad in ("0", "61", "abc", "9" * 30):
        response = client.post(url, {"offer_delay_days": bad})
        assert response.status_code == 400, bad
    assert not EnrolmentSettings.objects.exists()
    assert client.post(url, {"offer_delay_days": "5"}).status_code == 302
    assert services.offer_delay_days(centre_a.pk) == 5


def test_the_desk_charges_what_the_online_path_charges_for_the_same_family(leisure, centre_a, reception_a):
    d1, d2 = list(leisure.period.days.all())[:2]
    moyens = leisure.groups[1]
    booking = [(d1.pk, leisure.units["day"].pk), (d2.pk, leisure.units["morning"].pk)]
    online = services.submit_registration_request(
        period=leisure.period, submission=family([(moyens, booking)], qf="480", city="Lille")
    )
    services.validate(request=online, by=reception_a)
    online_registration = Registration.objects.get()

    household = HouseholdFactory(centre=centre_a, family_quotient=Decimal("480"), city="Lille")
    child = PersonFactory(centre=centre_a, first_name="Enfant0", birth_date=date(2018, 4, 2))
    HouseholdMemberFactory(household=household, person=child, relation="enfant")
    moyens.group_days.update(capacity=5)  # the online child took the only place
    at_desk = desk.register(
        period=leisure.period,
        child=child,
        household=household,
        group_id=moyens.pk,
        bookings=booking,
        by=reception_a,
    )
    assert at_desk.amount == online_registration.amount > 0
    assert sorted(at_desk.booked_units.values_list("unit_id", "price")) == sorted(
        online_registration.booked_units.values_list("unit_id", "price")
    )


def test_a_delay_is_counted_from_the_offer(leisure, centre_a):
    EnrolmentSettings.objects.create(centre=centre_a, offer_delay_days=7)
    holder, waiting = _ask(leisure), _ask(leisure)
    services.cancel(request=holder)
    waiting.refresh_from_db()
    assert waiting.offer_expires_at - waiting.updated_at < timedelta(days=7, seconds=5)
    assert waiting.offer_expires_at.date() == date(2026, 11, 28)

"""The online requests of the foreign centre of the tenancy walker (csc.testing.tenancy), declared in
csc/enrolment/module.py. Imported by tests only."""

from __future__ import annotations

from datetime import date

from django.db import models

from csc.activities import tariffs
from csc.core import notify
from csc.testing.tenancy import SECRET_EMAIL, SECRET_LAST_NAME, ForeignWorld

from . import services as enrolment
from .models import Request


def plant_foreign(world: ForeignWorld) -> dict[str, models.Model]:
    """A pending request and a validated one (its registration) for the leisure centre activities
    planted (`world.context["leisure"]`)."""
    centre_b, leisure = world.centre, world.context["leisure"]
    day, unit = leisure.period.days.first(), leisure.units["day"]
    reference = tariffs.age_reference_date(leisure.period)

    def submit():
        birth = date(reference.year - 7, 1, 15)
        child = enrolment.PersonEntry(
            first_name="Secret",
            last_name=SECRET_LAST_NAME,
            birth_date=birth,
            group_id=tariffs.group_for(leisure.groups, birth, reference).pk,
            bookings=[(day.pk, unit.pk)],
        )
        return enrolment.submit_registration_request(
            period=leisure.period,
            submission=enrolment.Submission(
                submission_key=enrolment.new_submission_key(),
                adults=[enrolment.PersonEntry(first_name="Parent", last_name=SECRET_LAST_NAME)],
                children=[child],
                city=centre_b.city,
                email=SECRET_EMAIL,
                phone="+33612345678",
            ),
        )

    pending = submit()
    validated = enrolment.validate(request=submit(), by=None)
    return {
        "request_id": pending,
        "message_id": notify.messages_about(pending).first(),
        "registration_id": validated.household.registrations.first(),
    }


def snapshot(world: ForeignWorld) -> dict:
    return {
        "requests": list(
            Request.objects.filter(centre=world.centre)
            .values_list("pk", "status", "waiting_rank")
            .order_by("pk")
        )
    }

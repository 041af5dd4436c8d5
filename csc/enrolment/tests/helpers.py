"""Builders shared by the module's tests."""

from datetime import date

from csc.enrolment.services import PersonEntry, Submission, new_submission_key


def family(children_bookings, *, qf="480", city="Lille", email="parent@example.org", children=None):
    """A submission for a family: one adult, children born in 2018, 2020…, with the given bookings."""
    from decimal import Decimal

    kids = children or [
        PersonEntry(first_name=f"Enfant{i}", last_name="Martin", birth_date=date(2018 + 2 * i, 4, 2))
        for i in range(len(children_bookings))
    ]
    for kid, (group, bookings) in zip(kids, children_bookings, strict=True):
        kid.group_id = group.pk
        kid.bookings = list(bookings)
    return Submission(
        submission_key=new_submission_key(),
        adults=[PersonEntry(first_name="Nadia", last_name="Martin", email=email, phone="+33612345678")],
        children=kids,
        city=city,
        address="3 rue des Lilas",
        postcode="59000",
        email=email,
        phone="+33612345678",
        family_quotient=Decimal(qf) if qf is not None else None,
        consent_data=True,
    )

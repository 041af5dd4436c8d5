"""PDF documents of a request: the family's summary (attached to the confirmation e-mail) and the
reception sheet (the same facts, plus what reception needs to process it)."""

from __future__ import annotations

from csc.core.notify import Attachment
from csc.core.pdf import render_pdf

from .models import Request, RequestBooking, RequestPerson
from .notifications import follow_url


def request_context(request: Request) -> dict:
    """Everything both documents and the pages show about a request, in a few queries."""
    people = list(request.people.select_related("group").order_by("role", "position"))
    bookings: dict[int, list] = {}
    for booking in RequestBooking.objects.filter(child__request=request).select_related("day", "unit"):
        bookings.setdefault(booking.child_id, []).append(booking)
    children = []
    for person in people:
        if person.role != RequestPerson.Role.CHILD:
            continue
        days: dict = {}
        for booking in bookings.get(person.pk, []):
            days.setdefault(booking.day.date, []).append(booking.unit.name)
        children.append({"person": person, "days": sorted(days.items())})
    return {
        "req": request,
        "adults": [p for p in people if p.role == RequestPerson.Role.ADULT],
        "children": children,
    }


def summary_pdf(request: Request) -> bytes:
    """The family's summary: what they asked, the estimated fee, how to follow the request."""
    return render_pdf(
        "enrolment/pdf/summary.html", request_context(request) | {"follow_url": follow_url(request)}
    )


def reception_pdf(request: Request) -> bytes:
    """Reception's sheet of a request, to file or to check documents against at the desk."""
    context = request_context(request)
    context["events"] = list(request.events.select_related("by"))
    return render_pdf("enrolment/pdf/reception.html", context)


def summary_attachment(request_id: int) -> Attachment:
    """The summary as an e-mail attachment, built by csc.core.notify when the e-mail leaves."""
    request = Request.objects.select_related("centre", "period__activity", "season").get(pk=request_id)
    return Attachment(f"demande-{request.reference}.pdf", summary_pdf(request), "application/pdf")

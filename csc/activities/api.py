"""Sessions and attendance over the API: what a centre's other software needs to read its sessions and
send the attendance it took elsewhere. Scoped exactly like the pages, through the same services."""

from datetime import date, time
from decimal import Decimal
from typing import Literal

from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError
from ninja.pagination import paginate

from csc.core.pagination import Pagination
from csc.people.models import Person

from .attendance import services as attendance
from .capabilities import ATTENDANCE_TAKE
from .models import Activity, Attendance, Session

router = Router(tags=["Présences"])
TAKE = ATTENDANCE_TAKE


class ActivityOut(Schema):
    id: int
    centre_id: int
    name: str
    kind: str
    counts_only: bool


class SessionOut(Schema):
    id: int
    centre_id: int
    activity_id: int
    group_id: int | None
    date: date
    start_time: time
    end_time: time
    counted_hours: Decimal
    title: str
    status: str


class SessionFilter(Schema):
    date_from: date | None = Field(None, description="Première date (AAAA-MM-JJ)")
    date_to: date | None = Field(None, description="Dernière date (AAAA-MM-JJ)")
    activity_id: int | None = Field(None, ge=1, le=2**31 - 1)


class AttendanceOut(Schema):
    person_id: int
    status: str
    source: str
    hours: Decimal


class AttendanceIn(Schema):
    status: Literal["present", "absent", "excuse"]


@router.get("/activities", response=list[ActivityOut], summary="Les activités")
@paginate(Pagination)
def list_activities(request):
    return Activity.objects.visible_to(request.user, TAKE).order_by("name", "id")


@router.get("/sessions", response=list[SessionOut], summary="Les séances")
@paginate(Pagination)
def list_sessions(request, filters: Query[SessionFilter]):
    sessions = Session.objects.visible_to(request.user, TAKE)
    if filters.date_from:
        sessions = sessions.filter(date__gte=filters.date_from)
    if filters.date_to:
        sessions = sessions.filter(date__lte=filters.date_to)
    if filters.activity_id:
        sessions = sessions.filter(activity_id=filters.activity_id)
    return sessions.order_by("date", "start_time", "id")


@router.get(
    "/sessions/{session_id}/attendance", response=list[AttendanceOut], summary="Les présences d'une séance"
)
def list_attendance(request, session_id: int):
    session = get_object_or_404(Session.objects.visible_to(request.user, TAKE), pk=session_id)
    return Attendance.objects.filter(session=session).order_by("person_id")


@router.put(
    "/sessions/{session_id}/attendance/{person_id}",
    response=AttendanceOut,
    summary="Noter la présence d'une personne (idempotent)",
)
def put_attendance(request, session_id: int, person_id: int, payload: AttendanceIn):
    session = get_object_or_404(
        Session.objects.visible_to(request.user, TAKE).select_related("activity"), pk=session_id
    )
    person = get_object_or_404(Person.objects.filter(centre_id=session.centre_id), pk=person_id)
    try:
        result = attendance.mark(session=session, person=person, status=payload.status, actor=request.user)
    except attendance.AttendanceRefused as refusal:
        raise HttpError(409, str(refusal)) from None
    return result.attendance

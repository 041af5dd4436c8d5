"""Activities' objects in the foreign centre of the tenancy walker (csc.testing.tenancy), declared in
csc/activities/module.py. Imported by tests only."""

from __future__ import annotations

from datetime import time, timedelta

from django.apps import apps
from django.core.files.base import ContentFile
from django.db import models
from django.utils import timezone

from csc.people.memberships import record_membership
from csc.testing.tenancy import SECRET_LAST_NAME, ForeignWorld

from . import sessions
from .attendance import services as attendance
from .demo import build_leisure_centre
from .imports import services as imports
from .models import Activity, Closure, CommuneList, Schedule, TariffAid


def plant_foreign(world: ForeignWorld) -> dict[str, models.Model]:
    """Centre B's leisure centre (kept in `world.context["leisure"]` for the modules above), and its
    weekly workshop with a schedule, a participant, a session with a presence, a closure, an import."""
    centre_b, person = world.centre, world.person
    today = timezone.localdate()
    leisure = build_leisure_centre(centre_b, today=today)
    world.context["leisure"] = leisure
    workshop = Activity.objects.create(centre=centre_b, name="Atelier secret", kind=Activity.Kind.WORKSHOP)
    schedule = Schedule(
        activity=workshop,
        weekdays="0,1,2,3,4,5,6",
        starts_on=today - timedelta(days=3),
        ends_on=today + timedelta(days=3),
        start_time=time(14),
        end_time=time(16),
        skip_public_holidays=False,
    )
    created = sessions.create_schedule(schedule)
    participant = sessions.enrol(activity=workshop, person=person, joined_on=today - timedelta(days=30))
    past = next(s for s in created if s.date < today)
    attendance.mark(session=past, person=person, status="present", actor=None)
    closure = Closure.objects.create(centre=centre_b, starts_on=today, ends_on=today, reason="secret")
    # A real file waiting for its preview: without a stored table, the preview page only sends back to the
    # upload form, and the mapping form (what an intruder could change) would never be reached.
    row = f"{past.date:%d/%m/%Y};{workshop.name};{SECRET_LAST_NAME};Ana;P"
    table = f"Date;Activité;Nom;Prénom;Présence\r\n{row}\r\n"
    past_import = imports.prepare_import(
        centre_b, ContentFile(table.encode(), name=f"{SECRET_LAST_NAME}.csv"), None
    )
    # A membership of the foreign household, for the desk's membership pages (csc.people).
    membership = record_membership(
        centre=centre_b, season=leisure.season, household=world.household, people_count=1
    )
    aid = TariffAid.objects.create(activity=leisure.activity, name="Aide secrète", funder="caf")
    commune_list = CommuneList.objects.create(centre=centre_b, name="Liste secrète", communes="Lille")
    return {
        "membership_id": membership,
        "aid_id": aid,
        "list_id": commune_list,
        "season_id": leisure.season,
        "activity_id": leisure.activity,
        "period_id": leisure.period,
        "group_id": leisure.groups[0],
        "unit_id": leisure.units["day"],
        "day_id": leisure.period.days.first(),
        "import_id": past_import,
        "session_id": past,
        "schedule_id": schedule,
        "participant_id": participant,
        "closure_id": closure,
    }


def snapshot(world: ForeignWorld) -> dict:
    centre = world.centre
    return {
        "places_held": list(
            apps.get_model("activities", "GroupDay")
            .objects.filter(group__activity__centre=centre)
            .values_list("pk", "held", "capacity")
            .order_by("pk")
        ),
        "attendance": list(
            apps.get_model("activities", "Attendance")
            .objects.filter(centre=centre)
            .values_list("pk", "person_id", "status")
            .order_by("pk")
        ),
        "sessions": list(
            apps.get_model("activities", "Session")
            .objects.filter(centre=centre)
            .values_list("pk", "date", "start_time", "status")
            .order_by("pk")
        ),
        "participants": list(
            apps.get_model("activities", "Participant")
            .objects.filter(activity__centre=centre)
            .values_list("pk", "left_on")
            .order_by("pk")
        ),
    }

"""The world the tenancy walker attacks: another centre's data, and how to find it by URL parameter.

A later module whose URLs take a new parameter (`<int:activity_id>`…) needs nothing here if its model
is named after the parameter and has a `centre` field; otherwise it adds one line to PARAMETER_OBJECTS
or creates its objects in `build_foreign_world`. The walker itself never changes.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.apps import apps
from django.db import models

from csc.core import notify
from csc.core import services as core_services
from csc.core.models import Centre, StaffRole
from csc.people.services import share_household

from . import factories

# Marker strings planted in the foreign centre's data: none may ever appear in a page of an intruder.
SECRET_LAST_NAME = "Zyxwvutrecht"
SECRET_HOUSEHOLD = "Famille Qwertzuiop"
SECRET_EMAIL = "secret.agent@centre-b.test"
SECRET_TOKEN_NAME = "Jeton confidentiel"


@dataclass
class ForeignWorld:
    centre: Centre
    objects: dict[str, models.Model] = field(default_factory=dict)

    @property
    def markers(self) -> list[str]:
        return [SECRET_LAST_NAME, SECRET_HOUSEHOLD, SECRET_EMAIL, SECRET_TOKEN_NAME]


def build_foreign_world(centre_b: Centre, third_centre: Centre) -> ForeignWorld:
    """Data of centre B, each object reachable by the URL parameter that names it."""
    world = ForeignWorld(centre=centre_b)
    household = factories.HouseholdFactory(centre=centre_b, name=SECRET_HOUSEHOLD)
    person = factories.PersonFactory(centre=centre_b, last_name=SECRET_LAST_NAME, email="p@centre-b.test")
    factories.HouseholdMemberFactory(household=household, person=person)
    factories.ConsentFactory(person=person)
    staff_user = factories.UserFactory(email=SECRET_EMAIL, last_name=SECRET_LAST_NAME)
    staff_role = StaffRole.objects.create(user=staff_user, centre=centre_b, role="reception")
    token, _ = core_services.create_api_token(user=staff_user, name=SECRET_TOKEN_NAME)
    share = share_household(household=household, centre=third_centre, reason="test", actor=None)
    world.objects.update(_leisure_objects(centre_b))
    world.objects.update(_check_objects(centre_b, world.objects["activity_id"], person))
    world.objects.update(_animation_objects(centre_b, world.objects["period_id"], staff_user))
    world.objects.update(_directory_objects())
    world.objects.update(_kiosk_objects(centre_b, person))
    world.objects.update(_casework_objects(centre_b, person))
    world.objects.update(
        person_id=person,
        household_id=household,
        staff_role_id=staff_role,
        token_id=token,
        share_id=share,
        centre_id=centre_b,
    )
    return world


def _leisure_objects(centre_b: Centre) -> dict[str, models.Model]:
    """Centre B's leisure centre, a pending request and a validated one (its registration)."""
    from datetime import date

    from django.utils import timezone

    from csc.activities.demo import build_leisure_centre
    from csc.enrolment import services as enrolment

    leisure = build_leisure_centre(centre_b, today=timezone.localdate())
    day, unit = leisure.period.days.first(), leisure.units["day"]
    reference = enrolment.age_reference_date(leisure.period)

    def submit():
        birth = date(reference.year - 7, 1, 15)
        child = enrolment.PersonEntry(
            first_name="Secret",
            last_name=SECRET_LAST_NAME,
            birth_date=birth,
            group_id=enrolment.group_for(leisure.groups, birth, reference).pk,
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
        "season_id": leisure.season,
        "activity_id": leisure.activity,
        "period_id": leisure.period,
        "group_id": leisure.groups[0],
        "unit_id": unit,
        "day_id": day,
        "request_id": pending,
        "message_id": notify.messages_about(pending).first(),
        "registration_id": validated.household.registrations.first(),
    }


def _check_objects(centre_b: Centre, activity, person) -> dict[str, models.Model]:
    """Centre B's weekly workshop with a schedule, a participant, a session with a presence, a closure."""
    from datetime import time, timedelta

    from django.utils import timezone

    from csc.activities import attendance, sessions
    from csc.activities.models import Activity, AttendanceImport, Closure, Schedule

    today = timezone.localdate()
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
    past_import = AttendanceImport.objects.create(
        centre=centre_b, file_name=f"{SECRET_LAST_NAME}.csv", file_sha256="0" * 64
    )
    return {
        "import_id": past_import,
        "session_id": past,
        "schedule_id": schedule,
        "participant_id": participant,
        "closure_id": closure,
    }


def _animation_objects(centre_b: Centre, period, author) -> dict[str, models.Model]:
    """Centre B's project and objective, a sheet kept to its centre (with a photo, a comment and a
    version), and a planning of its leisure centre with one entry."""
    import io

    from django.core.files.base import ContentFile
    from PIL import Image

    from csc.animation import project
    from csc.animation.models import (
        ActivitySheet,
        Planning,
        PlanningEntry,
        SheetAttachment,
        SheetComment,
        SheetVersion,
    )

    objective = project.add_objective(
        project.get_or_create_project(centre_b),
        text=f"Objectif {SECRET_LAST_NAME}",
        level="general",
        user=None,
    )
    sheet = ActivitySheet.objects.create(
        centre=centre_b,
        author=author,
        title=f"Fiche {SECRET_LAST_NAME}",
        status=ActivitySheet.Status.PUBLISHED,
        visibility=ActivitySheet.Visibility.CENTRE,
    )
    sheet.objectives.add(objective)
    version = SheetVersion.objects.create(sheet=sheet, number=1, content={"title": sheet.title})
    png = io.BytesIO()
    Image.new("RGB", (2, 2)).save(png, format="PNG")
    attachment = SheetAttachment(sheet=sheet, name=f"{SECRET_LAST_NAME}.png", kind="photo", file_type="png")
    attachment.size = len(png.getvalue())
    attachment.file.save("photo.png", ContentFile(png.getvalue()), save=True)
    comment = SheetComment.objects.create(sheet=sheet, author=author, centre=centre_b, text=SECRET_HOUSEHOLD)
    day = period.days.first().date
    planning = Planning.objects.create(
        centre=centre_b,
        activity=period.activity,
        period=period,
        title="Planning secret",
        starts_on=day,
        ends_on=day,
    )
    entry = PlanningEntry.objects.create(
        planning=planning,
        centre=centre_b,
        date=day,
        slot="matin",
        sheet=sheet,
        title=f"Activité {SECRET_LAST_NAME}",
    )
    return {
        "objective_id": objective,
        "sheet_id": sheet,
        "version_number": version,
        "attachment_id": attachment,
        "comment_id": comment,
        "planning_id": planning,
        "entry_id": entry,
    }


def _directory_objects() -> dict[str, models.Model]:
    """The directory is shared by the centres of a federation: the foreign entry is another network's."""
    other_network = factories.CentreFactory(
        territory=factories.TerritoryFactory(
            federation=factories.FederationFactory(slug="autre-reseau", name="Autre réseau")
        )
    )
    structure = apps.get_model("directory", "Structure").objects.create(
        federation_id=other_network.territory.federation_id,
        kept_by=other_network,
        name=f"Permanence {SECRET_LAST_NAME}",
        city="Arras",
        email=SECRET_EMAIL,
    )
    return {"structure_id": structure}


def object_for_parameter(world: ForeignWorld, name: str) -> models.Model:
    """The foreign object a URL parameter should point at, found by name when not planted explicitly."""
    if name in world.objects:
        return world.objects[name]
    model_name = name.removesuffix("_id").replace("_", "")
    for model in apps.get_models():
        if model._meta.model_name == model_name and any(f.name == "centre" for f in model._meta.fields):
            instance = model._default_manager.filter(centre=world.centre).first()
            if instance is not None:
                return instance
    raise LookupError(
        f"Le paramètre d'URL « {name} » ne désigne aucun objet du centre étranger : créez-en un dans "
        "csc/testing/tenancy.py (build_foreign_world) pour que le test de cloisonnement le couvre."
    )


def _kiosk_objects(centre_b: Centre, person) -> dict[str, models.Model]:
    """Centre B's kiosk with a hidden local link (its public page never shows it), a help sheet kept to
    the centre, and a help recorded at its reception for a person who agreed."""
    from csc.kiosk.models import AssistedProcedure, HelpSheet, Kiosk, Procedure, Theme, Tile

    theme, _ = Theme.objects.get_or_create(slug="local", defaults={"label": "Ma ville et mon centre"})
    procedure, _ = Procedure.objects.get_or_create(
        slug="caf", defaults={"theme": theme, "title": "CAF", "url": "https://www.caf.fr"}
    )
    # The welcome text is public: it holds no marker, but must not change.
    Kiosk.objects.create(centre=centre_b, welcome_text="Bienvenue au centre B")
    tile = Tile.objects.create(
        centre=centre_b,
        theme=theme,
        title=f"Lien {SECRET_LAST_NAME}",
        url="https://example.org/secret",
        is_hidden=True,
    )
    sheet = HelpSheet.objects.create(
        centre=centre_b, procedure=procedure, title=f"Fiche {SECRET_LAST_NAME}", is_shared=False
    )
    record = AssistedProcedure.objects.create(
        centre=centre_b,
        organisation="caf",
        kind="compte",
        autonomy="with",
        duration="0-10",
        person=person,
        consent=True,
    )
    return {"tile_id": tile, "help_sheet_id": sheet, "record_id": record}


def _casework_objects(centre_b: Centre, person) -> dict[str, models.Model]:
    """Centre B's social follow-up: a period of the secret person with an exchange whose notes name
    them, and a task."""
    from decimal import Decimal

    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import timezone

    from csc.casework import services as casework

    worker = factories.StaffRoleFactory(centre=centre_b, role="social_worker").user
    casework.ensure_defaults(centre_b)
    scope = centre_b.casework_scopes.first()
    scope.workers.add(worker)
    period = casework.open_period(
        centre_b,
        by=worker,
        persons=[person],
        scope=scope,
        referent=worker,
        origin="spontaneous",
        issues=list(centre_b.casework_issues.all()[:1]),
    )
    casework.log_exchange(
        period,
        author=worker,
        kind="interview",
        happened_on=timezone.localdate(),
        notes=f"Entretien avec Mme {SECRET_LAST_NAME}",
    )
    task = casework.assign_task(
        period, by=worker, assignee=worker, title=f"Rappeler {SECRET_LAST_NAME}", due_on=timezone.localdate()
    )
    action = casework.start_action(
        period, by=worker, title="Dossier DALO", goals=f"Reloger {SECRET_LAST_NAME}"
    )
    document = casework.add_document(
        period,
        by=worker,
        upload=SimpleUploadedFile("bail.pdf", f"%PDF-1.4\n{SECRET_LAST_NAME}\n%%EOF\n".encode()),
        title="Bail",
        category="housing",
    )
    line = casework.add_budget_line(
        person, by=worker, direction="charge", category="rent", monthly_amount=Decimal("612.40")
    )
    casework.save_situation_field(centre_b, label="Titre de séjour", kind="text")
    landlord = casework.save_third_party(centre_b, kind="landlord", name=f"Bailleur de {SECRET_LAST_NAME}")
    contact = casework.link_contact(person, third_party=landlord, role="bailleur")
    return {
        "case_period_id": period,
        "task_id": task,
        "action_id": action,
        "document_id": document,
        "budget_line_id": line,
        "person_contact_id": contact,
    }


def snapshot(world: ForeignWorld) -> dict:
    """What must not change when an intruder pokes at centre B."""
    state = {}
    for key, obj in world.objects.items():
        fresh = type(obj)._base_manager.filter(pk=obj.pk).values().first()
        state[key] = fresh
    state["people"] = apps.get_model("people", "Person").objects.filter(centre=world.centre).count()
    state["case_exchanges"] = list(
        apps.get_model("casework", "Exchange")
        .objects.filter(period__centre=world.centre)
        .values_list("pk", "notes", "is_private")
        .order_by("pk")
    )
    state["case_tasks"] = list(
        apps.get_model("casework", "Task")
        .objects.filter(period__centre=world.centre)
        .values_list("pk", "title", "done_at")
        .order_by("pk")
    )
    state["case_documents"] = list(
        apps.get_model("casework", "Document")
        .objects.filter(period__centre=world.centre)
        .values_list("pk", "file")
        .order_by("pk")
    )
    state["households"] = apps.get_model("people", "Household").objects.filter(centre=world.centre).count()
    state["requests"] = list(
        apps.get_model("enrolment", "Request")
        .objects.filter(centre=world.centre)
        .values_list("pk", "status", "waiting_rank")
        .order_by("pk")
    )
    state["places_held"] = list(
        apps.get_model("activities", "GroupDay")
        .objects.filter(group__activity__centre=world.centre)
        .values_list("pk", "held", "capacity")
        .order_by("pk")
    )
    state["attendance"] = list(
        apps.get_model("activities", "Attendance")
        .objects.filter(centre=world.centre)
        .values_list("pk", "person_id", "status")
        .order_by("pk")
    )
    state["sessions"] = list(
        apps.get_model("activities", "Session")
        .objects.filter(centre=world.centre)
        .values_list("pk", "date", "start_time", "status")
        .order_by("pk")
    )
    state["sheets"] = list(
        apps.get_model("animation", "ActivitySheet")
        .objects.filter(centre=world.centre)
        .values_list("pk", "title", "version", "status", "visibility")
        .order_by("pk")
    )
    state["sheet_comments"] = (
        apps.get_model("animation", "SheetComment").objects.filter(sheet__centre=world.centre).count()
    )
    state["sheet_attachments"] = (
        apps.get_model("animation", "SheetAttachment").objects.filter(sheet__centre=world.centre).count()
    )
    state["plannings"] = list(
        apps.get_model("animation", "Planning")
        .objects.filter(centre=world.centre)
        .values_list("pk", "revision", "status")
        .order_by("pk")
    )
    state["planning_entries"] = list(
        apps.get_model("animation", "PlanningEntry")
        .objects.filter(centre=world.centre)
        .values_list("pk", "group_id", "date", "slot", "title")
        .order_by("pk")
    )
    state["objectives"] = list(
        apps.get_model("animation", "Objective").objects.filter(centre=world.centre).values_list("pk", "text")
    )
    state["participants"] = list(
        apps.get_model("activities", "Participant")
        .objects.filter(activity__centre=world.centre)
        .values_list("pk", "left_on")
        .order_by("pk")
    )
    state["kiosk"] = list(
        apps.get_model("kiosk", "Kiosk")
        .objects.filter(centre=world.centre)
        .values_list("welcome_text", "idle_minutes")
    )
    state["kiosk_tiles"] = list(
        apps.get_model("kiosk", "Tile")
        .objects.filter(centre=world.centre)
        .values_list("pk", "title", "url", "position", "is_hidden")
        .order_by("pk")
    )
    state["help_sheets"] = list(
        apps.get_model("kiosk", "HelpSheet")
        .objects.filter(centre=world.centre)
        .values_list("pk", "title", "is_shared")
        .order_by("pk")
    )
    state["assisted"] = (
        apps.get_model("kiosk", "AssistedProcedure").objects.filter(centre=world.centre).count()
    )
    state["staff_of_b"] = list(
        StaffRole.objects.filter(centre=world.centre)
        .values_list("user_id", "role", "is_active", "user__is_active")
        .order_by("pk")
    )
    return state

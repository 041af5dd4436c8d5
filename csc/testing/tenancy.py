"""The world the tenancy walker attacks: another centre's data, and how to find it by URL parameter.

The base (a household, a person, a staff account and its token, a share) is planted here; every module
plants its own objects through the `TenancyFixture` it declares in its module.py (csc.core.registry),
called in INSTALLED_APPS order. A module whose URLs take a new parameter (`<int:activity_id>`…) needs
nothing if its model is named after the parameter and has a `centre` field; otherwise its planter returns
the object under the parameter's name. The walker itself never changes.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.apps import apps
from django.db import models

from csc.core import registry
from csc.core import services as core_services
from csc.core.models import Centre, Job, StaffRole
from csc.people.services import share_household

from . import factories

# Marker strings planted in the foreign centre's data: none may ever appear in a page of an intruder.
SECRET_LAST_NAME = "Zyxwvutrecht"
SECRET_HOUSEHOLD = "Famille Qwertzuiop"
SECRET_EMAIL = "secret.agent@centre-b.test"
SECRET_TOKEN_NAME = "Jeton confidentiel"


@dataclass
class ForeignWorld:
    """Centre B and its objects by URL parameter; `person`, `household` and `staff_user` are the base
    the modules' planters build on, `context` what a planter leaves for the modules above it."""

    centre: Centre
    objects: dict[str, models.Model] = field(default_factory=dict)
    person: models.Model | None = None
    household: models.Model | None = None
    staff_user: models.Model | None = None
    context: dict = field(default_factory=dict)

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
    # A finished background job of B's staff (csc.core.jobs): its page, file and « Relancer ».
    job = Job.objects.create(
        kind="tests.foreign",
        label=f"Export {SECRET_LAST_NAME}",
        user=staff_user,
        centre=centre_b,
        centre_ids=[centre_b.pk],
        status=Job.Status.FAILED,
        error=f"Échec {SECRET_LAST_NAME}",
    )
    world.person, world.household, world.staff_user = person, household, staff_user
    for fixture in registry.tenancy_fixtures():
        world.objects.update(registry.resolve(fixture.plant)(world))
    world.objects.update(
        person_id=person,
        household_id=household,
        staff_role_id=staff_role,
        token_id=token,
        share_id=share,
        centre_id=centre_b,
        job_id=job,
    )
    return world


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
        "le module.py de son application (TenancyFixture) pour que le test de cloisonnement le couvre."
    )


def snapshot(world: ForeignWorld) -> dict:
    """What must not change when an intruder pokes at centre B."""
    state = {}
    for key, obj in world.objects.items():
        fresh = type(obj)._base_manager.filter(pk=obj.pk).values().first()
        state[key] = fresh
    state["people"] = apps.get_model("people", "Person").objects.filter(centre=world.centre).count()
    state["households"] = apps.get_model("people", "Household").objects.filter(centre=world.centre).count()
    for fixture in registry.tenancy_fixtures():
        if fixture.snapshot:
            state.update(registry.resolve(fixture.snapshot)(world))
    state["staff_of_b"] = list(
        StaffRole.objects.filter(centre=world.centre)
        .values_list("user_id", "role", "is_active", "user__is_active")
        .order_by("pk")
    )
    return state

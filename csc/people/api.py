"""Persons and households over the API, scoped exactly like the pages (same querysets, same forms)."""

from datetime import date
from decimal import Decimal

from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import paginate

from csc.core.pagination import Pagination
from csc.core.tenancy import centres_with, has_capability

from . import queries, services
from .capabilities import PEOPLE_EDIT, PEOPLE_VIEW
from .forms import HouseholdForm, MemberForm, PersonForm
from .models import Household, HouseholdMember, Person

router = Router(tags=["Personnes et foyers"])


class MembershipOut(Schema):
    household_id: int
    relation: str


class PersonOut(Schema):
    id: int
    centre_id: int
    last_name: str
    first_name: str
    birth_date: date | None
    sex: str
    email: str
    phone: str
    address: str
    postcode: str
    city: str
    in_qpv: bool
    contact_by_sms: bool
    contact_by_email: bool
    anonymised: bool = Field(False, alias="is_anonymised")
    households: list[MembershipOut]

    @staticmethod
    def resolve_households(obj):
        return [{"household_id": m.household_id, "relation": m.relation} for m in obj.memberships.all()]


class MemberOut(Schema):
    person_id: int
    first_name: str
    last_name: str
    relation: str

    @staticmethod
    def resolve_first_name(obj):
        return obj.person.first_name

    @staticmethod
    def resolve_last_name(obj):
        return obj.person.last_name


class HouseholdOut(Schema):
    id: int
    centre_id: int
    name: str
    address: str
    postcode: str
    city: str
    in_qpv: bool
    family_quotient: Decimal | None
    family_quotient_date: date | None
    family_quotient_source: str
    benefits_number: str
    members: list[MemberOut]

    @staticmethod
    def resolve_members(obj):
        return list(obj.members.all())


class PersonPatch(Schema):
    last_name: str | None = Field(None, max_length=150)
    first_name: str | None = Field(None, max_length=150)
    birth_date: date | None = None
    sex: str | None = Field(None, max_length=1)
    email: str | None = Field(None, max_length=254)
    phone: str | None = Field(None, max_length=30)
    address: str | None = Field(None, max_length=255)
    postcode: str | None = Field(None, max_length=10)
    city: str | None = Field(None, max_length=120)
    in_qpv: bool | None = None
    contact_by_sms: bool | None = None
    contact_by_email: bool | None = None


class MemberIn(Schema):
    last_name: str = Field(..., max_length=150)
    first_name: str = Field(..., max_length=150)
    birth_date: date | None = None
    sex: str = Field("X", max_length=1)
    email: str = Field("", max_length=254)
    phone: str = Field("", max_length=30)
    relation: str = Field(..., max_length=20)


class HouseholdIn(Schema):
    name: str = Field(..., max_length=200)
    address: str = Field("", max_length=255)
    postcode: str = Field("", max_length=10)
    city: str = Field("", max_length=120)
    in_qpv: bool = False
    # No upper bound here: HouseholdForm checks people.models.MAX_FAMILY_QUOTIENT, with its French message.
    family_quotient: Decimal | None = Field(None, ge=0, max_digits=7, decimal_places=2)
    family_quotient_date: date | None = None
    family_quotient_source: str = Field("", max_length=20)
    benefits_number: str = Field("", max_length=20)
    members: list[MemberIn] = Field(..., min_length=1, max_length=12)


class HouseholdPatch(Schema):
    name: str | None = Field(None, max_length=200)
    address: str | None = Field(None, max_length=255)
    postcode: str | None = Field(None, max_length=10)
    city: str | None = Field(None, max_length=120)
    in_qpv: bool | None = None
    family_quotient: Decimal | None = Field(None, ge=0, max_digits=7, decimal_places=2)
    family_quotient_date: date | None = None
    family_quotient_source: str | None = Field(None, max_length=20)
    benefits_number: str | None = Field(None, max_length=20)


class PersonFilter(Schema):
    q: str = Field("", max_length=100, description="Nom ou prénom, sans souci d'accents ni de majuscules")


class FormErrors(Schema):
    detail: str
    erreurs: dict[str, list[str]]


def _form_errors(*forms_with_prefix) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    for prefix, form in forms_with_prefix:
        for field, messages in form.errors.items():
            errors[f"{prefix}{field}"] = [str(m) for m in messages]
    return errors


def _form_data(form_class, instance, payload: dict) -> dict:
    """Start from the object's current values so a PATCH changes only what it names."""
    initial = {}
    if instance is not None:
        for name in form_class._meta.fields:
            value = getattr(instance, name)
            initial[name] = "" if value is None else value
    for name, value in payload.items():
        if name in form_class.base_fields:
            initial[name] = "" if value is None else value
    # Unchecked booleans are absent from HTML forms: mimic that for False.
    return {k: v for k, v in initial.items() if v is not False}


def _owning_centre_check(user, obj):
    if not has_capability(user, PEOPLE_EDIT, obj.centre_id):
        raise Http404


@router.get("/persons", response=list[PersonOut], summary="Rechercher des personnes")
@paginate(Pagination)
def list_persons(request, filters: Query[PersonFilter]):
    people = Person.objects.visible_to(request.user)
    if filters.q.strip():
        people = queries.search_people(people, filters.q)
    else:
        people = people.order_by("last_name", "first_name", "id")
    return _with_visible_memberships(people, request.user)


def _with_visible_memberships(people, user):
    """Only the households this user may see: a share opens one household, not the person's others."""
    visible = HouseholdMember.objects.visible_to(user)
    return people.prefetch_related(Prefetch("memberships", queryset=visible))


@router.get("/persons/{person_id}", response=PersonOut, summary="Une personne")
def get_person(request, person_id: int):
    people = _with_visible_memberships(Person.objects.visible_to(request.user), request.user)
    return get_object_or_404(people, pk=person_id)


@router.patch(
    "/persons/{person_id}", response={200: PersonOut, 422: FormErrors}, summary="Modifier une personne"
)
def patch_person(request, person_id: int, payload: PersonPatch):
    person = get_object_or_404(Person.objects.visible_to(request.user, PEOPLE_EDIT), pk=person_id)
    _owning_centre_check(request.user, person)
    if person.is_anonymised:
        raise HttpError(409, "Cette fiche est anonymisée : elle ne se modifie plus.")
    form = PersonForm(_form_data(PersonForm, person, payload.dict(exclude_unset=True)), instance=person)
    if not form.is_valid():
        return Status(422, {"detail": "Données invalides.", "erreurs": _form_errors(("", form))})
    form.save()
    services.touch(person)
    return _with_visible_memberships(Person.objects, request.user).get(pk=person.pk)


def _households(user, capability=PEOPLE_VIEW):
    return queries.households_for_list(Household.objects.visible_to(user, capability))


@router.get("/households", response=list[HouseholdOut], summary="Les foyers")
@paginate(Pagination)
def list_households(request):
    return _households(request.user).order_by("name", "id")


@router.get("/households/{household_id}", response=HouseholdOut, summary="Un foyer")
def get_household(request, household_id: int):
    return get_object_or_404(_households(request.user), pk=household_id)


@router.post(
    "/households",
    response={201: HouseholdOut, 422: FormErrors},
    summary="Créer un foyer et ses membres",
    description="Le foyer est créé dans le centre indiqué par `centre_id`, ou dans votre seul centre.",
)
def create_household(request, payload: HouseholdIn, centre_id: int | None = None):
    centres = centres_with(request.user, PEOPLE_EDIT)
    if not centres:
        raise HttpError(403, "Votre rôle ne permet pas de créer un foyer.")
    if centre_id is None:
        if len(centres) != 1:
            raise HttpError(400, "Précisez centre_id : vous travaillez dans plusieurs centres.")
        centre_id = next(iter(centres))
    if centre_id not in centres:
        raise HttpError(404, "Centre introuvable.")
    data = payload.dict()
    members_in = data.pop("members")
    form = HouseholdForm(_form_data(HouseholdForm, None, data))
    member_forms = [
        MemberForm(_form_data(MemberForm, None, m) | {"relation": m["relation"]}) for m in members_in
    ]
    # Validate every form (no short-circuit) so the caller gets all the errors at once.
    household_valid = form.is_valid()
    members_valid = [f.is_valid() for f in member_forms]
    if not (household_valid and all(members_valid)):
        errors = _form_errors(("", form), *[(f"members.{i}.", f) for i, f in enumerate(member_forms)])
        return Status(422, {"detail": "Données invalides.", "erreurs": errors})
    from csc.core.models import Centre

    household = services.create_household(
        centre=Centre.objects.get(pk=centre_id),
        actor=request.user,
        household=form.save(commit=False),
        members=[(f.save(commit=False), f.cleaned_data["relation"]) for f in member_forms],
    )
    return Status(201, _households(request.user).get(pk=household.pk))


@router.patch(
    "/households/{household_id}", response={200: HouseholdOut, 422: FormErrors}, summary="Modifier un foyer"
)
def patch_household(request, household_id: int, payload: HouseholdPatch):
    household = get_object_or_404(Household.objects.visible_to(request.user, PEOPLE_EDIT), pk=household_id)
    _owning_centre_check(request.user, household)
    form = HouseholdForm(
        _form_data(HouseholdForm, household, payload.dict(exclude_unset=True)), instance=household
    )
    if not form.is_valid():
        return Status(422, {"detail": "Données invalides.", "erreurs": _form_errors(("", form))})
    form.save()
    services.touch_household(household)
    return _households(request.user).get(pk=household.pk)

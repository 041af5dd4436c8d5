"""What happens to a family's request, from the public form to the registry.

Every function here is one transaction. Status changes go through `_set_status`, which journals the
change in the request's history and e-mails the family (through the task worker, once the transaction
commits, so that a rolled-back change never sends a message).
"""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.utils import timezone

from csc.activities import capacity, registrations
from csc.activities.models import Period, Registration
from csc.activities.tariffs import (
    ChildChoice,
    Family,
    FeeEstimate,
    TariffMissing,
    estimate_fee,
    load_tariff_table,
)
from csc.core.audit import record
from csc.core.models import Centre
from csc.core.text import normalize
from csc.people import services as people_services
from csc.people.memberships import membership_fee, record_membership
from csc.people.models import Consent, Household, HouseholdMember, Person, Season

from .models import EnrolmentSettings, Request, RequestBooking, RequestEvent, RequestPerson
from .notifications import notify

Status = Request.Status


class RequestError(Exception):
    """A change reception asked for that the request's state does not allow; the message says why."""


# --- Groups and fees ------------------------------------------------------------------------------


# --- Submissions from the public forms ------------------------------------------------------------


@dataclass
class PersonEntry:
    first_name: str
    last_name: str
    birth_date: date | None = None
    sex: str = Person.Sex.UNSPECIFIED
    email: str = ""
    phone: str = ""
    # For a child of a pré-inscription: the group, and the (day id, unit id) pairs asked for.
    group_id: int | None = None
    bookings: list[tuple[int, int]] = field(default_factory=list)


@dataclass
class Submission:
    submission_key: uuid.UUID
    adults: list[PersonEntry]
    children: list[PersonEntry]
    city: str
    email: str
    phone: str
    address: str = ""
    postcode: str = ""
    family_quotient: Decimal | None = None
    benefits_regime: str = ""
    works_in_city: str = ""
    dependent_children: int | None = None
    attestation: object = None  # an UploadedFile already checked by the form
    consent_photos: bool = False
    consent_communications: bool = False
    consent_data: bool = False


def _new_reference(prefix: str) -> str:
    # Readable over the phone: no 0/O or 1/I to confuse.
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return prefix + "-" + "".join(secrets.choice(alphabet) for _ in range(7))


def child_choices(children: list[PersonEntry]) -> list[ChildChoice]:
    return [
        ChildChoice(
            key=str(index),
            name=child.first_name,
            birth_date=child.birth_date,
            group_id=child.group_id,
            bookings=tuple(child.bookings),
        )
        for index, child in enumerate(children)
    ]


def family_of_submission(submission: Submission) -> Family:
    """What the family typed, as the tariffs read a household (a social rate is only ever set by the
    centre, on the CCAS's decision: never from a public form)."""
    return Family(
        family_quotient=submission.family_quotient,
        city=submission.city,
        works_in_city=submission.works_in_city,
        regime=submission.benefits_regime,
        dependent_children=submission.dependent_children,
    )


def estimate_for(period: Period, submission: Submission, table=None) -> FeeEstimate:
    """The fee the family will see: the same computation as validation, the desk and the exports (the
    children the household already has on the period count once reception validates the request)."""
    table = table or load_tariff_table(period.activity)
    return estimate_fee(table, child_choices(submission.children), family_of_submission(submission))


def places_of(children: list[PersonEntry], units_taking_place: set[int]) -> list[capacity.Place]:
    """One place per child, group and day, whatever the number of units booked that day."""
    places = set()
    for index, child in enumerate(children):
        for day_id, unit_id in child.bookings:
            if unit_id in units_taking_place and child.group_id:
                places.add((index, child.group_id, day_id))
    return [(group_id, day_id) for _index, group_id, day_id in places]


def _create_request(centre: Centre, kind: str, submission: Submission, **extra) -> Request:
    request = Request(
        centre=centre,
        kind=kind,
        submission_key=submission.submission_key,
        reference=_new_reference("A" if kind == Request.Kind.MEMBERSHIP else "I"),
        address=submission.address,
        postcode=submission.postcode,
        city=submission.city,
        email=submission.email,
        phone=submission.phone,
        family_quotient=submission.family_quotient,
        benefits_regime=submission.benefits_regime,
        works_in_city=submission.works_in_city,
        dependent_children=submission.dependent_children,
        consent_photos=submission.consent_photos,
        consent_communications=submission.consent_communications,
        consent_data=submission.consent_data,
        **extra,
    )
    if submission.attestation is not None:
        request.quotient_attestation.save("attestation", submission.attestation, save=False)
    request.save()
    people = []
    for role, entries in (
        (RequestPerson.Role.ADULT, submission.adults),
        (RequestPerson.Role.CHILD, submission.children),
    ):
        for position, entry in enumerate(entries):
            people.append(
                RequestPerson(
                    request=request,
                    role=role,
                    position=position,
                    first_name=entry.first_name,
                    last_name=entry.last_name,
                    birth_date=entry.birth_date,
                    sex=entry.sex,
                    email=entry.email,
                    phone=entry.phone,
                    group_id=entry.group_id,
                )
            )
    RequestPerson.objects.bulk_create(people)
    return request


def _existing(submission_key) -> Request | None:
    return Request.objects.filter(submission_key=submission_key).first()


def _submit_once(submission_key, create) -> Request:
    """Run `create` in one transaction, unless this submission key already made a request.

    A second click racing the first one to the unique key fails on it; the first one's request stands.
    """
    existing = _existing(submission_key)
    if existing:
        return existing
    try:
        with transaction.atomic():
            return create()
    except IntegrityError:
        existing = _existing(submission_key)
        if existing:
            return existing
        raise


def submit_membership_request(*, centre: Centre, season: Season, submission: Submission) -> Request:
    """Record a pré-adhésion. The same submission key twice returns the first request, unchanged."""

    def create():
        request = _create_request(centre, Request.Kind.MEMBERSHIP, submission, season=season)
        people_count = len(submission.adults) + len(submission.children)
        request.fee_total, request.bracket_label = membership_fee(
            season, people_count, submission.family_quotient
        )
        request.fee_lines = [{"label": f"Adhésion {season.name}", "amount": str(request.fee_total)}]
        request.save(update_fields=["fee_total", "bracket_label", "fee_lines"])
        _set_status(request, Status.RECEIVED, by=None, initial=True)
        return request

    return _submit_once(submission.submission_key, create)


def submit_registration_request(*, period: Period, submission: Submission) -> Request:
    """Record a pré-inscription and hold its places; with no room left, put it on the waiting list.

    Idempotent on the submission key. Either way the family's request is kept: nothing typed is lost.
    """

    def create():
        activity = period.activity
        table = load_tariff_table(activity)
        for child in submission.children:
            for _day_id, unit_id in child.bookings:
                if not table.offered_to(unit_id, child.group_id):
                    raise RequestError(
                        f"« {table.units[unit_id].name} » n'est pas proposée au groupe de {child.first_name}."
                    )
        estimate = estimate_for(period, submission, table)
        units_taking_place = {pk for pk, unit in table.units.items() if unit.takes_place}
        request = _create_request(activity.centre, Request.Kind.REGISTRATION, submission, period=period)
        request.fee_total = estimate.total
        request.fee_lines = _lines_json(estimate)
        request.bracket_label = estimate.bracket_label
        children = list(request.people.filter(role=RequestPerson.Role.CHILD).order_by("position"))
        RequestBooking.objects.bulk_create(
            RequestBooking(child=child, day_id=day_id, unit_id=unit_id)
            for child, entry in zip(children, submission.children, strict=True)
            for day_id, unit_id in entry.bookings
        )
        try:
            capacity.hold(places_of(submission.children, units_taking_place))
            status = Status.RECEIVED
        except capacity.PlacesFull:
            status = Status.WAITING_LIST
            request.waiting_rank = _next_rank(period)
        request.save(update_fields=["fee_total", "fee_lines", "bracket_label", "waiting_rank"])
        _set_status(request, status, by=None, initial=True)
        return request

    return _submit_once(submission.submission_key, create)


def _lines_json(estimate: FeeEstimate) -> list[dict]:
    return [{"label": line.label, "amount": str(line.amount)} for line in estimate.lines]


def _lock_waiting_list(period: Period) -> None:
    """Every change of a period's waiting list locks the period row first: ranks stay 1, 2, 3…"""
    Period.objects.select_for_update().filter(pk=period.pk).first()


def _next_rank(period: Period) -> int:
    """The next rank on the period's waiting list. The period row is locked first, so that two families
    going onto the list at the same instant cannot both read the same last rank."""
    _lock_waiting_list(period)
    current = Request.objects.filter(period=period, status=Status.WAITING_LIST).aggregate(
        m=Max("waiting_rank")
    )
    return (current["m"] or 0) + 1


# --- Status changes -------------------------------------------------------------------------------


def offer_delay_days(centre_id: int) -> int:
    """How many days an offered place is kept for the family: the centre's setting, else the default."""
    delay = (
        EnrolmentSettings.objects.filter(centre_id=centre_id)
        .values_list("offer_delay_days", flat=True)
        .first()
    )
    return delay or EnrolmentSettings.DEFAULT_OFFER_DELAY_DAYS


def _set_status(request: Request, status: str, *, by, note: str = "", initial: bool = False) -> None:
    request.status = status
    request.status_note = note
    if status != Status.WAITING_LIST:
        request.waiting_rank = None
    request.offer_expires_at = (
        timezone.now() + timedelta(days=offer_delay_days(request.centre_id))
        if status == Status.OFFERED
        else None
    )
    request.decided_by = by if not initial else None
    request.save(
        update_fields=[
            "status",
            "status_note",
            "waiting_rank",
            "offer_expires_at",
            "decided_by",
            "updated_at",
        ]
    )
    RequestEvent.objects.create(request=request, status=status, note=note, by=by)
    notify(request, attach_summary=initial)


def _request_places(request: Request) -> list[capacity.Place]:
    places = set()
    for child_id, group_id, day_id, unit_kind in RequestBooking.objects.filter(
        child__request=request
    ).values_list("child_id", "child__group_id", "day_id", "unit__kind"):
        if unit_kind != "repas" and group_id:
            places.add((child_id, group_id, day_id))
    return [(group_id, day_id) for _child, group_id, day_id in places]


def _locked(request: Request) -> Request:
    """The request re-read under a row lock: two receptionists clicking at once act one after the other."""
    return (
        Request.objects.select_for_update(of=("self",))
        .select_related("period__activity", "season", "centre")
        .get(pk=request.pk)
    )


@transaction.atomic
def mark_documents_missing(*, request: Request, by, note: str) -> Request:
    """Ask the family for a document; the request keeps its places meanwhile."""
    request = _locked(request)
    if request.status not in (Status.RECEIVED, Status.DOCUMENTS_MISSING, Status.OFFERED):
        raise RequestError("Cette demande n'est plus en cours de traitement.")
    _set_status(request, Status.DOCUMENTS_MISSING, by=by, note=note)
    return request


def _close(request: Request, status: str, *, by, note: str, refusal: str) -> Request:
    """End a request (refused, cancelled): its places, if it held any, go to the waiting list."""
    request = _locked(request)
    if not request.is_open:
        raise RequestError(refusal)
    was_holding = request.holds_places
    _set_status(request, status, by=by, note=note)
    if request.kind == Request.Kind.REGISTRATION:
        if was_holding:
            capacity.release(_request_places(request))
        _renumber_waiting_list(request.period)
        offer_freed_places(request.period)
    return request


@transaction.atomic
def refuse(*, request: Request, by, reason: str) -> Request:
    """Refuse with a reason the family reads; its places go to the waiting list."""
    return _close(request, Status.REFUSED, by=by, note=reason, refusal="Cette demande a déjà été traitée.")


@transaction.atomic
def cancel(*, request: Request, by=None, reason: str = "") -> Request:
    """The family withdraws the request, or reception cancels it with a reason the family reads (kept in
    the history and sent in the e-mail); its places go to the waiting list."""
    reason = reason.strip()
    if by is not None and not reason:
        raise RequestError("Écrivez le motif de l'annulation : la famille le reçoit par e-mail.")
    return _close(
        request,
        Status.CANCELLED,
        by=by,
        note="Annulée par la famille" if by is None else reason,
        refusal="Cette demande ne peut plus être annulée : elle a déjà été traitée.",
    )


EXPIRY_NOTE = "La place proposée n'a pas été confirmée dans le délai : elle passe à la famille suivante."


def expire_offers(*, centre: Centre | None = None) -> list[Request]:
    """End the offered places whose delay has passed: the family is told by e-mail (the status's
    message) and the place goes to the next on the waiting list. Each request in its own transaction,
    so one failure does not keep the others; a request validated meanwhile is left alone (re-read
    under its lock by `_close`). Run by `manage.py expire_offers` and when reception opens its inbox."""
    due = Request.objects.filter(status=Status.OFFERED, offer_expires_at__lte=timezone.now())
    if centre is not None:
        due = due.filter(centre=centre)
    expired = []
    for request in due.order_by("offer_expires_at", "pk"):
        with transaction.atomic():
            locked = _locked(request)
            if locked.status != Status.OFFERED or locked.offer_expires_at > timezone.now():
                continue  # validated, cancelled or offered again since it was listed
            expired.append(_close(locked, Status.EXPIRED, by=None, note=EXPIRY_NOTE, refusal=""))
    return expired


def offer_added_places(*, period_id: int) -> list[Request]:
    """Places were added to a period (csc.activities.events.places_added): the waiting list gets them."""
    with transaction.atomic():
        period = Period.objects.filter(pk=period_id).first()
        if period is None:
            return []
        _lock_waiting_list(period)
        return offer_freed_places(period)


@transaction.atomic
def put_on_waiting_list(*, request: Request, by, rank: int | None = None, note: str = "") -> Request:
    """Move a pré-inscription to the waiting list at `rank` (default: last); the others move down."""
    request = _locked(request)
    if request.kind != Request.Kind.REGISTRATION or not request.is_open:
        raise RequestError("Seule une pré-inscription en cours peut aller sur la liste d'attente.")
    period = request.period
    _lock_waiting_list(period)
    waiting = list(
        Request.objects.filter(period=period, status=Status.WAITING_LIST)
        .exclude(pk=request.pk)
        .order_by("waiting_rank", "created_at")
        .select_for_update()
    )
    rank = len(waiting) + 1 if rank is None else max(1, min(rank, len(waiting) + 1))
    was_holding = request.holds_places
    _set_status(request, Status.WAITING_LIST, by=by, note=note)
    waiting.insert(rank - 1, request)
    _write_ranks(waiting)
    if was_holding:
        capacity.release(_request_places(request))
        offer_freed_places(period, skip=request)
    return request


def _renumber_waiting_list(period: Period) -> None:
    _lock_waiting_list(period)
    waiting = list(
        Request.objects.filter(period=period, status=Status.WAITING_LIST)
        .order_by("waiting_rank", "created_at")
        .select_for_update()
    )
    _write_ranks(waiting)


def _write_ranks(waiting: list[Request]) -> None:
    changed = []
    for rank, item in enumerate(waiting, start=1):
        if item.waiting_rank != rank:
            item.waiting_rank = rank
            changed.append(item)
    Request.objects.bulk_update(changed, ["waiting_rank"])


def offer_freed_places(period: Period, skip: Request | None = None) -> list[Request]:
    """Offer freed places to the waiting list, in rank order: each request gets all its days or waits.

    A request whose days are still full keeps its rank; one further down whose days are free gets them,
    so a free place never stays empty while someone waits for it.
    """
    offered = []
    waiting = (
        Request.objects.filter(period=period, status=Status.WAITING_LIST)
        .exclude(pk=skip.pk if skip else None)
        .order_by("waiting_rank", "created_at")
    )
    for candidate in waiting:
        try:
            with transaction.atomic():
                capacity.hold(_request_places(candidate))
        except capacity.PlacesFull:
            continue
        _set_status(
            candidate,
            Status.OFFERED,
            by=None,
            note="Une place s'est libérée : l'accueil va confirmer l'inscription.",
        )
        offered.append(candidate)
    if offered:
        _renumber_waiting_list(period)
    return offered


# --- Validation: from the request to the registry -------------------------------------------------


# The proofs reception may check a quotient on: every source but the family's own word.
CHECKED_SOURCES = [
    value for value in Household.QuotientSource.values if value != Household.QuotientSource.DECLARED
]


@dataclass
class Validation:
    """Reception's decisions when validating: the household to attach to (None: create one) and, per
    person of the request, the registry person they are (absent: create them)."""

    household: Household | None = None
    matches: dict[int, Person] = field(default_factory=dict)  # RequestPerson id -> Person
    # The quotient reception checked and on what (CAF, MSA, tax notice); None keeps the family's own,
    # which the household then records as declared.
    family_quotient: Decimal | None = None
    quotient_source: str = Household.QuotientSource.CAF


@transaction.atomic
def validate(*, request: Request, by, decision: Validation | None = None) -> Request:
    """Validate a request: the household and its people enter the registry, with the membership or the
    registrations and their booked units. A request from the waiting list must find room first."""
    decision = decision or Validation()
    request = _locked(request)
    if not request.is_open:
        raise RequestError("Cette demande a déjà été traitée.")
    if decision.household is not None and decision.household.centre_id != request.centre_id:
        raise RequestError("Ce foyer appartient à un autre centre.")
    if request.kind == Request.Kind.REGISTRATION and request.status == Status.WAITING_LIST:
        try:
            capacity.hold(_request_places(request))
        except capacity.PlacesFull:
            raise RequestError("Il n'y a plus de place sur au moins un des jours demandés.") from None
    if decision.family_quotient is not None:
        if decision.quotient_source not in CHECKED_SOURCES:
            raise RequestError("Dites sur quel justificatif vous avez vérifié le quotient.")
        # Kept beside the declared quotient, which stays what the family wrote.
        request.checked_family_quotient = decision.family_quotient
        request.checked_family_quotient_source = decision.quotient_source
        request.save(update_fields=["checked_family_quotient", "checked_family_quotient_source"])

    household = _household_for(request, decision, by)
    people = _people_for(request, household, decision, by)
    if request.kind == Request.Kind.MEMBERSHIP:
        record_membership(
            centre=request.centre, season=request.season, household=household, people_count=len(people)
        )
    else:
        _register_children(request, household, people, by)
    _set_status(request, Status.VALIDATED, by=by)
    if request.kind == Request.Kind.REGISTRATION:
        _renumber_waiting_list(request.period)
    record("enrolment.validated", centre=request.centre, obj=request, detail=request.reference, actor=by)
    return request


def _household_for(request: Request, decision: Validation, by) -> Household:
    household = decision.household
    if household is None:
        adults = [p for p in request.people.all() if p.role == RequestPerson.Role.ADULT]
        children = [p for p in request.people.all() if p.role == RequestPerson.Role.CHILD]
        first = (adults or children)[0]
        household = Household.objects.create(
            centre=request.centre,
            name=f"Famille {first.last_name}",
            address=request.address,
            postcode=request.postcode,
            city=request.city,
        )
    fields = []
    # The household records where its quotient comes from: the proof reception checked, or the family's
    # word — an attestation joined to the request but not checked is still only the family's word.
    if request.checked_family_quotient is not None:
        quotient, source = request.checked_family_quotient, request.checked_family_quotient_source
    else:
        quotient, source = request.family_quotient, Household.QuotientSource.DECLARED
    if quotient is not None:
        household.family_quotient = quotient
        household.family_quotient_date = timezone.localdate()
        household.family_quotient_source = source
        fields += ["family_quotient", "family_quotient_date", "family_quotient_source"]
    for name in ("benefits_regime", "works_in_city", "dependent_children"):
        # What the family declared fills what the household does not know yet; reception corrects it on
        # the household's page.
        if getattr(request, name) not in ("", None) and getattr(household, name) in ("", None):
            setattr(household, name, getattr(request, name))
            fields.append(name)
    if not household.city and request.city:
        household.address, household.postcode, household.city = (
            request.address,
            request.postcode,
            request.city,
        )
        fields += ["address", "postcode", "city"]
    if fields:
        household.save(update_fields=fields)
    request.household = household
    request.save(update_fields=["household"])
    return household


def _people_for(request: Request, household: Household, decision: Validation, by) -> dict[int, Person]:
    """Each person of the request as a registry person of the household: matched, or created."""
    people: dict[int, Person] = {}
    for entry in request.people.all():
        person = decision.matches.get(entry.pk)
        if person is not None and person.centre_id != request.centre_id:
            raise RequestError("Une des personnes choisies appartient à un autre centre.")
        if person is None:
            person = Person(
                first_name=entry.first_name,
                last_name=entry.last_name,
                birth_date=entry.birth_date,
                sex=entry.sex,
                email=entry.email or (request.email if entry.role == RequestPerson.Role.ADULT else ""),
                phone=entry.phone or (request.phone if entry.role == RequestPerson.Role.ADULT else ""),
                contact_by_email=request.consent_communications and entry.role == RequestPerson.Role.ADULT,
            )
        relation = (
            HouseholdMember.Relation.CHILD
            if entry.role == RequestPerson.Role.CHILD
            else (
                HouseholdMember.Relation.RESPONSIBLE
                if entry.position == 0
                else HouseholdMember.Relation.PARTNER
            )
        )
        people_services.add_member(household=household, person=person, relation=relation, actor=by)
        entry.person = person
        entry.save(update_fields=["person"])
        people[entry.pk] = person
        for kind, granted in (
            (Consent.Kind.PHOTOS, request.consent_photos),
            (Consent.Kind.COMMUNICATIONS, request.consent_communications),
            (Consent.Kind.DATA_PROCESSING, request.consent_data),
        ):
            Consent.objects.create(
                person=person,
                kind=kind,
                granted=granted,
                decided_on=request.created_at.date(),
                recorded_by=by,
            )
    return people


def _register_children(request: Request, household: Household, people: dict[int, Person], by) -> None:
    """Each child of the request registered through the one way in, with the places the request already
    holds; the request then shows the fee as computed for the household (its checked quotient, its
    other children of the period)."""
    period = request.period
    children = [p for p in request.people.all() if p.role == RequestPerson.Role.CHILD]
    bookings: dict[int, list[tuple[int, int]]] = {}
    for child_id, day_id, unit_id in RequestBooking.objects.filter(child__request=request).values_list(
        "child_id", "day_id", "unit_id"
    ):
        bookings.setdefault(child_id, []).append((day_id, unit_id))
    registered = []
    for child in children:
        if not bookings.get(child.pk):
            continue
        try:
            registered.append(
                registrations.register(
                    period=period,
                    group_id=child.group_id,
                    child=people[child.pk],
                    household=household,
                    bookings=bookings[child.pk],
                    by=by,
                    source=Registration.Source.ONLINE,
                    hold_places=False,
                )
            )
        except (registrations.AlreadyRegistered, registrations.RegistrationRefused) as refused:
            raise RequestError(str(refused)) from None
        except TariffMissing as missing:
            raise RequestError(f"La grille tarifaire est incomplète : {missing}") from None
    # Amounts as they stand once every child is in (an elder child registered after a younger one
    # moves the younger one's rank).
    final = Registration.objects.filter(pk__in=[r.pk for r in registered])
    request.fee_lines = [line for r in final for line in r.fee_lines]
    request.fee_total = sum((r.amount for r in final), Decimal("0.00"))
    request.bracket_label = next((r.bracket_label for r in final if r.bracket_label), request.bracket_label)
    request.save(update_fields=["fee_total", "fee_lines", "bracket_label"])


# --- Reading ---------------------------------------------------------------------------------------


def likely_duplicates(request: Request) -> dict[int, list[Person]]:
    """Registry people of the centre who may be the people of the request: same name and birth date,
    or same name when either has no birth date. One query, whatever the number of people."""
    entries = list(request.people.all())
    if not entries:
        return {}
    condition = Q()
    for entry in entries:
        condition |= Q(search_name=normalize(f"{entry.last_name} {entry.first_name}"))
    candidates = list(
        Person.objects.filter(centre_id=request.centre_id, anonymised_at__isnull=True)
        .filter(condition)
        .prefetch_related("memberships__household")
    )
    result: dict[int, list[Person]] = {}
    for entry in entries:
        name = normalize(f"{entry.last_name} {entry.first_name}")
        result[entry.pk] = [
            person
            for person in candidates
            if person.search_name == name
            and (
                entry.birth_date is None or person.birth_date is None or person.birth_date == entry.birth_date
            )
        ]
    return result


def new_submission_key() -> uuid.UUID:
    return uuid.uuid4()

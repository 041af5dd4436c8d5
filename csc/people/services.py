"""Operations that change people and households. One transaction each; the journal follows.

Every function takes the acting staff member so that the journal can name them even when called from a
command or the API.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.apps import apps
from django.db import IntegrityError, models, transaction
from django.db.models import Count, Q
from django.utils import timezone

from csc.core import audit, notify, registry
from csc.core.models import AuditEvent, Centre

from .models import Consent, Household, HouseholdMember, HouseholdShare, Person


class MergeRefused(Exception):
    """A merge that would mix two centres' files or merge a record with itself."""


@transaction.atomic
def create_household(*, centre: Centre, actor, household: Household, members: list[tuple[Person, str]]):
    """Save a new household and its new members (people not yet saved), all in the given centre."""
    household.centre = centre
    household.save()
    for person, relation in members:
        person.centre = centre
        _inherit_address(person, household)
        person.save()
        HouseholdMember.objects.create(household=household, person=person, relation=relation)
    return household


@transaction.atomic
def add_member(*, household: Household, person: Person, relation: str, actor) -> HouseholdMember:
    """Add a new person (unsaved) or a person of the same centre to a household."""
    if person.pk is None:
        person.centre_id = household.centre_id
        _inherit_address(person, household)
        person.save()
    elif person.centre_id != household.centre_id:
        raise MergeRefused("Cette personne appartient à un autre centre.")
    membership, _ = HouseholdMember.objects.get_or_create(
        household=household, person=person, defaults={"relation": relation}
    )
    touch(person)
    return membership


def touch(person: Person):
    """The centre dealt with this person today: their retention period, and their household's, starts
    again (a family that still comes keeps its children's records)."""
    household_ids = HouseholdMember.objects.filter(person=person).values("household_id")
    family = HouseholdMember.objects.filter(household_id__in=household_ids).values("person_id")
    Person.objects.filter(Q(pk=person.pk) | Q(pk__in=family)).update(last_activity_at=timezone.now())


def touch_household(household: Household):
    Person.objects.filter(memberships__household=household).update(last_activity_at=timezone.now())


def _inherit_address(person: Person, household: Household):
    """A member without an address of their own lives at the household's: the figures need the commune."""
    if not person.address and not person.city and household.city:
        person.address, person.postcode, person.city = household.address, household.postcode, household.city
        person.in_qpv = household.in_qpv


@transaction.atomic
def record_consent(*, person: Person, kind: str, granted: bool, decided_on, actor) -> Consent:
    consent = Consent.objects.create(
        person=person, kind=kind, granted=granted, decided_on=decided_on, recorded_by=actor
    )
    touch(person)
    return consent


def current_consents(person: Person) -> dict[str, Consent]:
    """The latest decision for each kind of consent."""
    latest: dict[str, Consent] = {}
    for consent in person.consents.all():  # ordered newest first
        latest.setdefault(consent.kind, consent)
    return latest


@transaction.atomic
def share_household(*, household: Household, centre: Centre, reason: str, actor) -> HouseholdShare:
    """Let another centre see this household and its members. Explicit, with a reason, journaled."""
    if centre.pk == household.centre_id:
        raise MergeRefused("Le foyer appartient déjà à ce centre.")
    share, created = HouseholdShare.objects.get_or_create(
        household=household, centre=centre, defaults={"reason": reason, "granted_by": actor}
    )
    if not created and share.reason != reason:
        share.reason = reason
        share.save(update_fields=["reason"])
    if created:
        audit.record(
            "share", centre=household.centre_id, obj=household, detail=f"partagé avec le centre {centre.pk}"
        )
    return share


@transaction.atomic
def unshare_household(*, share: HouseholdShare, actor):
    audit.record(
        "share",
        centre=share.household.centre_id,
        obj=share.household,
        detail=f"partage retiré au centre {share.centre_id}",
    )
    share.delete()


# --- merging duplicates -------------------------------------------------------------------------------

# Fields that are never copied from a duplicate: identity, bookkeeping, and choices the kept record
# states (a refusal of SMS must not be overturned by an older record saying yes).
_NOT_MERGED = {
    "id",
    "centre",
    "search_name",
    "created_at",
    "updated_at",
    "anonymised_at",
    "households",
    "contact_by_sms",
    "contact_by_email",
    "in_qpv",
}


def _fill_blanks(keep: models.Model, duplicate: models.Model) -> list[str]:
    """Copy into `keep` whatever `duplicate` knows and `keep` does not. Returns the copied field names."""
    copied = []
    for field in keep._meta.concrete_fields:
        if field.name in _NOT_MERGED:
            continue
        mine, theirs = getattr(keep, field.attname), getattr(duplicate, field.attname)
        if isinstance(field, models.BooleanField):
            if theirs and not mine:
                setattr(keep, field.attname, True)
                copied.append(field.name)
        elif mine in (None, "") and theirs not in (None, ""):
            setattr(keep, field.attname, theirs)
            copied.append(field.name)
    return copied


def _move_related(keep: models.Model, duplicate: models.Model, skip: set[type[models.Model]]) -> list[str]:
    """Point everything attached to `duplicate` at `keep`: every reverse relation, including those of
    modules added later, so that a merge never loses a registration, a case note or a loan."""
    moved = []
    for relation in duplicate._meta.related_objects:
        related_model = relation.related_model
        if related_model in skip:
            continue
        if relation.many_to_many:
            through = relation.through
            source = relation.field.m2m_reverse_field_name()
            rows = through._base_manager.filter(**{source: duplicate.pk})
        else:
            source = relation.field.name
            rows = related_model._base_manager.filter(**{source: duplicate})
        for row in rows:
            try:
                with transaction.atomic():
                    setattr(row, source, keep)
                    row.save()
            except IntegrityError:
                # Both records hold something that can exist only once: a person must choose which to
                # keep. Nothing is deleted behind their back (the whole merge is rolled back).
                raise MergeRefused(
                    f"Les deux fiches ont chacune un élément « {related_model._meta.verbose_name} » qui ne "
                    "peut exister qu'une fois : supprimez celui en trop avant de fusionner."
                ) from None
            moved.append(related_model._meta.label_lower)
    return sorted(set(moved))


@dataclass
class MergeResult:
    kept: models.Model
    removed_id: int
    copied_fields: list[str]
    moved: list[str]


@transaction.atomic
def merge_people(*, keep: Person, duplicate: Person, actor) -> MergeResult:
    """Merge a duplicate into the person kept: nothing attached to either is lost.

    Both must belong to the same centre: two centres' files are shared explicitly, never merged.
    """
    if keep.pk == duplicate.pk:
        raise MergeRefused("Choisissez deux fiches différentes.")
    if keep.centre_id != duplicate.centre_id:
        raise MergeRefused("Les deux fiches doivent appartenir au même centre.")
    keep = Person.objects.select_for_update().get(pk=keep.pk)
    duplicate = Person.objects.select_for_update().get(pk=duplicate.pk)
    if keep.anonymised_at or duplicate.anonymised_at:
        raise MergeRefused("Une fiche anonymisée ne se fusionne pas.")

    for membership in duplicate.memberships.all():
        if HouseholdMember.objects.filter(household_id=membership.household_id, person=keep).exists():
            membership.delete()
        else:
            membership.person = keep
            membership.save()
    moved = _move_related(keep, duplicate, skip={HouseholdMember})
    copied = _fill_blanks(keep, duplicate)
    keep.last_activity_at = max(keep.last_activity_at, duplicate.last_activity_at)
    keep.save()
    removed_id = duplicate.pk
    audit.record(
        "merge",
        centre=keep.centre_id,
        obj=keep,
        person_id=keep.pk,
        detail=f"fiche {removed_id} fusionnée dans {keep.pk}",
    )
    duplicate.delete()
    return MergeResult(keep, removed_id, copied, moved)


@transaction.atomic
def merge_households(*, keep: Household, duplicate: Household, actor) -> MergeResult:
    """Merge a duplicate household into the one kept: members, shares and attachments move over."""
    if keep.pk == duplicate.pk:
        raise MergeRefused("Choisissez deux foyers différents.")
    if keep.centre_id != duplicate.centre_id:
        raise MergeRefused("Les deux foyers doivent appartenir au même centre.")
    keep = Household.objects.select_for_update().get(pk=keep.pk)
    duplicate = Household.objects.select_for_update().get(pk=duplicate.pk)
    newer_quotient = (
        duplicate.family_quotient is not None
        and duplicate.family_quotient_date
        and (keep.family_quotient_date is None or duplicate.family_quotient_date > keep.family_quotient_date)
    )
    if newer_quotient:
        keep.family_quotient = duplicate.family_quotient
        keep.family_quotient_date = duplicate.family_quotient_date
        keep.family_quotient_source = duplicate.family_quotient_source
    for member in duplicate.members.all():
        if keep.members.filter(person_id=member.person_id).exists():
            member.delete()
        else:
            member.household = keep
            member.save()
    # A share is consent given for one household: the kept household's members were never shared, so
    # the duplicate's shares end with it rather than widen what another centre sees.
    dropped_shares = list(duplicate.shares.values_list("centre_id", flat=True))
    moved = _move_related(keep, duplicate, skip={HouseholdMember, HouseholdShare})
    copied = _fill_blanks(keep, duplicate)
    if keep.notes and duplicate.notes and duplicate.notes not in keep.notes:
        keep.notes = f"{keep.notes}\n{duplicate.notes}"
    keep.save()
    removed_id = duplicate.pk
    detail = f"foyer {removed_id} fusionné dans {keep.pk}"
    if dropped_shares:
        detail += f" ; partages du doublon retirés (centres {', '.join(map(str, dropped_shares))})"
    audit.record("merge", centre=keep.centre_id, obj=keep, detail=detail)
    duplicate.delete()
    return MergeResult(keep, removed_id, copied, moved)


# --- personal-data rights -----------------------------------------------------------------------------

ANONYMOUS_LAST_NAME = "Personne anonymisée"


def _plain(value):
    if isinstance(value, Decimal):
        return str(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def _fields_of(obj: models.Model, exclude=()) -> dict:
    return {
        field.verbose_name.capitalize() if hasattr(field, "verbose_name") else field.name: _plain(
            obj._get_FIELD_display(field) if field.choices else getattr(obj, field.attname)
        )
        for field in obj._meta.concrete_fields
        if field.name not in exclude
    }


# Modules above this one (social follow-up…) take part in a person's data rights through the registry
# (csc.core.registry.PersonalData): a module with its own section keeps its records out of « Autres
# données » and shows them only to the actors it allows; its `forget` hook runs before an anonymisation
# or an erasure.


def _own_section_labels() -> set[str]:
    """App labels whose records go to their own section, never to « Autres données »."""
    names = {module.app for module, hooks in registry.personal_data_hooks() if hooks.own_section}
    return {config.label for config in apps.get_app_configs() if config.name in names}


def personal_data(person: Person, *, actor) -> dict:
    """Everything the platform holds on a person, in plain words, for a subject-access request.

    Related records of every module are found through the model's reverse relations, so modules
    added later are included without changing this function. A module that declares its own section
    (social follow-up) is the exception: its section is there only for an actor it allows, and for
    anybody else the export does not show that it holds anything (not even in the journal of actions).
    """
    households = [
        {
            "Foyer": membership.household.name,
            "Lien": membership.get_relation_display(),
            **_fields_of(membership.household, exclude={"id", "centre", "name"}),
        }
        for membership in person.memberships.select_related("household")
    ]
    own_sections = _own_section_labels()
    other_records = {}
    for relation in person._meta.related_objects:
        if relation.related_model in (HouseholdMember, Consent) or relation.many_to_many:
            continue
        if relation.related_model._meta.app_label in own_sections:
            continue
        rows = relation.related_model._base_manager.filter(**{relation.field.name: person})
        if rows.exists():
            other_records[str(relation.related_model._meta.verbose_name_plural)] = [
                _fields_of(row, exclude={relation.field.name}) for row in rows
            ]
    messages = _messages_sent(person)
    if messages:
        other_records["messages envoyés"] = messages
    sections = {}
    events = AuditEvent.objects.filter(person_id=person.pk)
    for _module, hooks in registry.personal_data_hooks():
        if not hooks.own_section:
            continue
        section = registry.resolve(hooks.section)(person, actor)
        if section is not None:
            sections[str(hooks.title)] = section
        elif hooks.hidden_events:
            events = events.exclude(registry.resolve(hooks.hidden_events)())
    journal = [
        {
            "Date": event.at.isoformat(),
            "Action": event.get_action_display(),
            "Par": str(event.actor) if event.actor_id else "",
            "Détail": event.detail,
        }
        for event in events.select_related("actor").order_by("at", "id")
    ]
    data = {
        "Personne": _fields_of(person, exclude={"search_name", "households"}),
        "Centre": person.centre.name,
        "Foyers": households,
        "Consentements": [
            {"Consentement": c.get_kind_display(), "Accordé": c.granted, "Date": c.decided_on.isoformat()}
            for c in person.consents.all()
        ],
        "Autres données": other_records,
        **sections,
        "Journal": journal,
        "Exporté le": timezone.now().isoformat(),
    }
    audit.record("personal_data_export", centre=person.centre_id, obj=person, person_id=person.pk)
    return data


def _messages_sent(person: Person) -> list[dict]:
    """The messages the person's centre sent to the person's address (core's outbound record): the
    families' e-mails about their requests, and any other, whatever module sent them."""
    if not person.email:
        return []
    return [
        {
            "Date": message.created_at.isoformat(),
            "Canal": message.get_channel_display(),
            "Destinataire": message.recipient,
            "Sujet": message.subject,
            "Texte": message.body,
            "État": message.get_status_display(),
            "Envoyé le": message.sent_at.isoformat() if message.sent_at else "",
        }
        for message in notify.messages_to([person.email], centre=person.centre_id).order_by(
            "created_at", "id"
        )
    ]


def _printable(record: dict) -> dict:
    """A nested part of the export laid out for the PDF: its plain values as (label, text) rows, its
    lists of records as titled parts, at any depth (a period's exchanges, an action's evaluations)."""
    rows, parts = [], []
    for label, value in record.items():
        if isinstance(value, list) and value and all(isinstance(item, dict) for item in value):
            parts.append((label, [_printable(item) for item in value]))
        elif isinstance(value, bool):
            rows.append((label, "oui" if value else "non"))
        elif isinstance(value, list):
            rows.append((label, ", ".join(str(item) for item in value) or "—"))
        else:
            rows.append((label, "—" if value in (None, "") else str(value)))
    return {"rows": rows, "parts": parts}


def personal_data_pdf(person: Person, data: dict) -> bytes:
    """The same export as a readable PDF, for a person who asked on paper."""
    from django.template.loader import render_to_string
    from weasyprint import HTML

    html = render_to_string(
        "people/personal_data_pdf.html",
        {
            "person": person,
            "data": data,
            "others": data["Autres données"],
            # The modules' own sections (social follow-up…), those this actor's export holds.
            "sections": [
                (str(hooks.title), _printable(data[str(hooks.title)]))
                for _module, hooks in registry.personal_data_hooks()
                if hooks.own_section and str(hooks.title) in data
            ],
        },
    )
    return HTML(string=html).write_pdf()


def _forget_in_modules(person: Person, *, actor, reason: str) -> None:
    """Each module with a `forget` hook removes what it holds on the person (social follow-up deletes
    its case file and unlinks them from its periods); called while the person still has their name
    (letters generated for them are found by it)."""
    for _module, hooks in registry.personal_data_hooks():
        if hooks.forget:
            registry.resolve(hooks.forget)(person, actor=actor, reason=reason)


@transaction.atomic
def anonymise_person(*, person: Person, actor, reason: str = "") -> Person:
    """Remove everything that identifies the person, keep what the figures need.

    Kept: birth year, sex, commune, QPV flag, and the records of activities (counted in reports).
    Removed: names, contacts, address, exact birth date, consents, the address and text of the messages
    the centre sent to the person's e-mail address (csc.core.notify); a household left with no identified
    member loses its name, address, quotient and benefits number too; the social follow-up's file on the
    person (the modules' `forget` hooks, csc.core.registry.PersonalData).
    """
    person = Person.objects.select_for_update().get(pk=person.pk)
    if person.anonymised_at:
        return person
    _forget_in_modules(person, actor=actor, reason=reason or "personne anonymisée")
    # Before the address goes: it is how the messages sent to the person are found.
    notify.forget_recipient([person.email], centre=person.centre_id)
    person.last_name = ANONYMOUS_LAST_NAME
    person.first_name = ""
    person.email = person.phone = person.address = ""
    if person.birth_date:
        person.birth_date = person.birth_date.replace(month=1, day=1)
    person.contact_by_sms = person.contact_by_email = False
    person.anonymised_at = timezone.now()
    person.save()
    person.consents.all().delete()
    for household in Household.objects.filter(members__person=person):
        identified = household.members.filter(person__anonymised_at__isnull=True).exists()
        if not identified:
            household.name = "Foyer anonymisé"
            household.address = household.benefits_number = household.notes = ""
            household.family_quotient = None
            household.family_quotient_date = None
            household.family_quotient_source = ""
            household.save()
    audit.record("anonymise", centre=person.centre_id, obj=person, person_id=person.pk, detail=reason)
    return person


@transaction.atomic
def erase_person(*, person: Person, actor) -> None:
    """Delete the person and everything attached; a household left empty goes too."""
    household_ids = list(person.memberships.values_list("household_id", flat=True))
    person_id, centre_id = person.pk, person.centre_id
    # The cascade would drop the person's case records, but a period left with nobody would keep its
    # notes: social follow-up anonymises those first.
    _forget_in_modules(person, actor=actor, reason="personne effacée")
    notify.forget_recipient([person.email], centre=centre_id)
    person.delete()
    Household.objects.filter(pk__in=household_ids).annotate(n=Count("members")).filter(n=0).delete()
    audit.record(
        "erase", centre=centre_id, person_id=person_id, object_type="people.person", object_id=str(person_id)
    )


def anonymise_expired(*, now=None, actor=None) -> int:
    """Anonymise everybody whose last activity is older than their centre's retention period, and blank
    the centre's messages (e-mails sent) older than that period."""
    now = now or timezone.now()
    count = 0
    for centre in Centre.objects.only("id", "retention_months"):
        cutoff = now - centre.retention
        expired = Person.objects.filter(
            centre=centre, anonymised_at__isnull=True, last_activity_at__lt=cutoff
        )
        for person in expired.iterator():
            anonymise_person(person=person, actor=actor, reason="durée de conservation dépassée")
            count += 1
        notify.forget_older_than(cutoff, centre=centre)
    return count

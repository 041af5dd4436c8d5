"""The operations of social follow-up: one transaction each, the only place its rules live."""

from __future__ import annotations

from datetime import date

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from csc.core import audit
from csc.core.models import AuditEvent, Centre
from csc.core.roles import CENTRE_ROLES, Capability, capabilities_of
from csc.core.tenancy import centres_with
from csc.people.models import Household, Person

from .models import Exchange, Period, Scope, SocialIssue, Task

DEFAULT_ISSUES = [
    "Logement",
    "Emploi et insertion",
    "Santé",
    "Budget",
    "Accès aux droits",
    "Numérique",
    "Parentalité",
    "Mobilité",
    "Vie sociale et isolement",
]
DEFAULT_SCOPES = ["Accès aux droits", "Famille", "Insertion"]


class CaseworkRefused(Exception):
    """An operation refused with a French reason, shown next to the form."""


# --- The centre's settings --------------------------------------------------------------------------


@transaction.atomic
def ensure_defaults(centre: Centre) -> None:
    """A centre starts with the usual scopes and thesaurus, which it then renames, trims or extends."""
    if not SocialIssue.objects.filter(centre=centre).exists():
        SocialIssue.objects.bulk_create([SocialIssue(centre=centre, name=name) for name in DEFAULT_ISSUES])
    if not Scope.objects.filter(centre=centre).exists():
        Scope.objects.bulk_create([Scope(centre=centre, name=name) for name in DEFAULT_SCOPES])


def workers_of(centre: Centre):
    """The staff of the centre who may follow people (casework.follow), by name."""
    follow_roles = [role for role in CENTRE_ROLES if Capability.CASEWORK_FOLLOW in capabilities_of(role)]
    return (
        get_user_model()
        .objects.filter(
            is_active=True,
            staff_roles__centre=centre,
            staff_roles__is_active=True,
            staff_roles__role__in=follow_roles,
        )
        .distinct()
        .order_by("last_name", "first_name", "id")
    )


def may_follow(user, centre: Centre) -> bool:
    return centre.pk in centres_with(user, Capability.CASEWORK_FOLLOW)


# --- Periods ----------------------------------------------------------------------------------------


@transaction.atomic
def open_period(
    centre: Centre,
    *,
    by,
    persons: list[Person],
    scope: Scope,
    referent,
    origin: str,
    issues: list[SocialIssue],
    opened_on: date | None = None,
    requester: str = "",
    household: Household | None = None,
    workers=(),
    place: str = Period.Place.CENTRE,
    is_confidential: bool = False,
    draft: bool = False,
) -> Period:
    """Open an accompanying period for one person or several members of a household. Everything it
    names must belong to the centre: people, scope, issues, referent and workers."""
    if not persons:
        raise CaseworkRefused("Choisissez au moins une personne.")
    if any(person.centre_id != centre.pk or person.is_anonymised for person in persons):
        raise CaseworkRefused("Ces personnes ne sont pas suivies par votre centre.")
    if household is not None and household.centre_id != centre.pk:
        raise CaseworkRefused("Ce foyer n'est pas suivi par votre centre.")
    if scope.centre_id != centre.pk or any(issue.centre_id != centre.pk for issue in issues):
        raise CaseworkRefused("Ce cercle ou ces problématiques ne sont pas ceux de votre centre.")
    allowed = set(workers_of(centre).values_list("pk", flat=True))
    if referent.pk not in allowed or any(worker.pk not in allowed for worker in workers):
        raise CaseworkRefused("Le ou la référent(e) et les intervenants doivent accompagner dans ce centre.")
    today = timezone.localdate()
    opened_on = opened_on or today
    if opened_on > today:
        raise CaseworkRefused("La date d'ouverture ne peut pas être dans le futur.")
    period = Period.objects.create(
        centre=centre,
        scope=scope,
        household=household,
        opened_on=opened_on,
        origin=origin,
        requester=requester,
        referent=referent,
        place=place,
        is_confidential=is_confidential,
        status=Period.Status.DRAFT if draft else Period.Status.OPEN,
        created_by=by,
    )
    period.persons.set(persons)
    period.issues.set(issues)
    period.workers.set([worker for worker in workers if worker.pk != referent.pk])
    Person.objects.filter(pk__in=[p.pk for p in persons]).update(last_activity_at=timezone.now())
    return period


@transaction.atomic
def confirm_period(period: Period) -> Period:
    """A draft becomes an open period, seen by its whole scope unless confidential."""
    if period.status == Period.Status.DRAFT:
        period.status = Period.Status.OPEN
        period.save(update_fields=["status", "updated_at"])
    return period


@transaction.atomic
def close_period(period: Period, *, reason: str, closed_on: date | None = None) -> Period:
    """Close a period with its reason. Its exchanges and tasks stay; open tasks are left to their
    assignees, who see them as belonging to a closed period."""
    if period.is_closed:
        raise CaseworkRefused("Ce parcours est déjà clôturé.")
    if reason not in Period.ClosingReason.values:
        raise CaseworkRefused("Choisissez le motif de clôture.")
    closed_on = closed_on or timezone.localdate()
    if closed_on < period.opened_on or closed_on > timezone.localdate():
        raise CaseworkRefused("La date de clôture doit être entre l'ouverture et aujourd'hui.")
    period.status = Period.Status.CLOSED
    period.closed_on = closed_on
    period.closing_reason = reason
    period.save(update_fields=["status", "closed_on", "closing_reason", "updated_at"])
    return period


@transaction.atomic
def reopen_period(period: Period) -> Period:
    if not period.is_closed:
        raise CaseworkRefused("Ce parcours n'est pas clôturé.")
    period.status = Period.Status.OPEN
    period.closed_on = None
    period.closing_reason = ""
    period.save(update_fields=["status", "closed_on", "closing_reason", "updated_at"])
    return period


def readers_of(period: Period):
    """Who may read this period: those it names, plus its scope's workers unless it is confidential or a
    draft. Tasks can be given only to them."""
    ids = {period.referent_id, *period.workers.values_list("pk", flat=True)}
    if period.created_by_id:
        ids.add(period.created_by_id)
    if not period.is_confidential and period.status != Period.Status.DRAFT:
        ids |= set(period.scope.workers.values_list("pk", flat=True))
    return workers_of(period.centre).filter(pk__in=ids)


# --- Inside a period --------------------------------------------------------------------------------


@transaction.atomic
def log_exchange(
    period: Period,
    *,
    author,
    kind: str,
    happened_on: date,
    duration_minutes: int | None = None,
    persons: list[Person] = (),
    counterpart: str = "",
    notes: str = "",
    is_private: bool = False,
) -> Exchange:
    """Note an exchange. Its people must be those of the period; its date neither before the period
    nor in the future."""
    if period.is_closed:
        raise CaseworkRefused("Ce parcours est clôturé : rouvrez-le pour noter un échange.")
    if happened_on > timezone.localdate():
        raise CaseworkRefused("La date de l'échange ne peut pas être dans le futur.")
    if happened_on < period.opened_on:
        raise CaseworkRefused("L'échange ne peut pas précéder l'ouverture du parcours.")
    allowed = set(period.persons.values_list("pk", flat=True))
    if any(person.pk not in allowed for person in persons):
        raise CaseworkRefused("Les personnes présentes doivent être celles du parcours.")
    exchange = Exchange.objects.create(
        period=period,
        kind=kind,
        happened_on=happened_on,
        duration_minutes=duration_minutes,
        counterpart=counterpart,
        notes=notes,
        is_private=is_private,
        author=author,
    )
    exchange.persons.set(persons)
    period.persons.update(last_activity_at=timezone.now())
    return exchange


@transaction.atomic
def assign_task(period: Period, *, by, assignee, title: str, due_on: date, details: str = "") -> Task:
    """Give a task to someone who can read the period."""
    if not readers_of(period).filter(pk=assignee.pk).exists():
        raise CaseworkRefused(
            "Cette personne ne peut pas lire ce parcours : ajoutez-la d'abord aux intervenants."
        )
    return Task.objects.create(
        period=period, title=title.strip(), details=details, assignee=assignee, due_on=due_on, created_by=by
    )


@transaction.atomic
def complete_task(task: Task, *, by) -> Task:
    if task.done_at is None:
        task.done_at = timezone.now()
        task.save(update_fields=["done_at"])
    return task


# --- The journal of reads ---------------------------------------------------------------------------


def journal_read(user, obj, *, centre_id: int, person_id: int | None = None, what: str) -> None:
    """Every read of a case file, a period or a document is journaled: the director sees who opened
    what and when (the centre's journal, filter « Consultations »)."""
    audit.record(
        AuditEvent.Action.CASE_READ, actor=user, centre=centre_id, obj=obj, person_id=person_id, detail=what
    )


def journal_refusal(user, *, object_type: str, object_id: str, centre_id: int | None = None) -> None:
    """An attempt to reach a file the user may not read: they get a 404, the journal keeps the try."""
    audit.record(
        AuditEvent.Action.CASE_REFUSED,
        actor=user,
        centre=centre_id,
        object_type=object_type,
        object_id=object_id,
        detail="accès refusé",
    )

"""How long social follow-up keeps what it knows, and what it forgets.

Two ways out:

- A period closed longer ago than its centre's retention (`Centre.retention_months`, the setting that
  already governs people) is anonymised by `manage.py anonymise_closed_periods`, run daily: every free
  text is wiped (exchange notes and counterparts, action titles, goals and results, evaluation notes,
  task titles and details), its documents are deleted (file and row), and nobody is linked to it any
  more (its people, the people present at its exchanges, its household, who asked for it). What the
  funders' figures count stays: the centre, the scope, the issues, the dates, the kinds and durations of
  exchanges, the workers, the origin, the closing reason, the actions' issues and results, the
  evaluations' progress. A period no longer names its people, so it no longer counts among the people
  followed of its years; the figures of a year are drawn up long before (the retention is counted from
  the closing day).

- A person anonymised or erased by the people module (csc.people.services) takes their case file with
  them: situation answers, budget lines, contacts and household history are deleted; they are unlinked
  from every period and exchange; letters generated for them by name are deleted; a period left with
  nobody is anonymised as above (and closed that day if it was still running: there is nobody left to
  follow).

Each anonymised period is one « Anonymisation » line in the centre's journal, with what was removed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from csc.core import audit
from csc.core.models import Centre
from csc.people.models import Person

from .models import (
    BudgetLine,
    Document,
    Evaluation,
    Exchange,
    HouseholdChange,
    Period,
    PersonContact,
    SituationValue,
    SocialAction,
    Task,
)

ANONYMOUS_ACTION = "Action anonymisée"
ANONYMOUS_TASK = "Tâche anonymisée"
EXPIRED = "durée de conservation dépassée"


def retention_cutoff(centre: Centre, today: date) -> date:
    """Periods closed before this day are past the centre's retention. Months of 30 days, as for people
    (csc.people.services.anonymise_expired), so that one setting means one thing."""
    return today - centre.retention


def expired_periods(centre: Centre, *, today: date | None = None):
    """The centre's closed periods past its retention, not yet anonymised."""
    today = today or timezone.localdate()
    return Period.objects.filter(
        centre=centre,
        status=Period.Status.CLOSED,
        closed_on__lt=retention_cutoff(centre, today),
        anonymised_at__isnull=True,
    )


def _delete_files_after_commit(documents) -> int:
    """Delete the rows now and their encrypted files once the transaction commits: a rollback must not
    leave rows pointing at files that are gone."""
    stored = [document.file for document in documents]
    for document in documents:
        document.delete()
    for file in stored:
        transaction.on_commit(lambda file=file: file.delete(save=False))
    return len(stored)


@transaction.atomic
def anonymise_period(period: Period, *, actor=None, reason: str = EXPIRED) -> Period:
    """Wipe what a period says about people and keep what is counted. Idempotent."""
    period = Period.objects.select_for_update().get(pk=period.pk)
    if period.anonymised_at:
        return period
    exchanges = Exchange.objects.filter(period=period)
    actions = SocialAction.objects.filter(period=period)
    # Queryset updates: one journal line for the whole period below, rather than one per note.
    n_exchanges = exchanges.update(notes="", counterpart="")
    Exchange.persons.through.objects.filter(exchange__period=period).delete()
    n_actions = actions.update(title=ANONYMOUS_ACTION, goals="", result_notes="")
    Evaluation.objects.filter(action__period=period).update(notes="")
    n_tasks = Task.objects.filter(period=period).update(title=ANONYMOUS_TASK, details="")
    n_documents = _delete_files_after_commit(list(Document.objects.filter(period=period)))
    period.persons.clear()
    period.household = None
    period.requester = ""
    period.anonymised_at = timezone.now()
    period.save(update_fields=["household", "requester", "anonymised_at", "updated_at"])
    audit.record(
        "anonymise",
        actor=actor,
        centre=period.centre_id,
        obj=period,
        detail=(
            f"{reason} : {n_exchanges} échange(s), {n_actions} action(s), {n_tasks} tâche(s), "
            f"{n_documents} document(s)"
        ),
    )
    return period


@dataclass(frozen=True)
class RetentionRun:
    periods: int
    by_centre: dict[str, int]


def anonymise_closed_periods(*, today: date | None = None, actor=None, dry_run: bool = False) -> RetentionRun:
    """Anonymise, centre by centre, the closed periods past the centre's retention. One transaction per
    period: a failure halfway keeps what was done, and the next night takes up the rest."""
    today = today or timezone.localdate()
    by_centre: dict[str, int] = {}
    for centre in Centre.objects.only("id", "name", "retention_months").order_by("name", "id"):
        expired = expired_periods(centre, today=today)
        if dry_run:
            count = expired.count()
        else:
            count = 0
            for period in expired.order_by("closed_on", "id").iterator():
                anonymise_period(period, actor=actor, reason=EXPIRED)
                count += 1
        if count:
            by_centre[centre.name] = count
    return RetentionRun(periods=sum(by_centre.values()), by_centre=by_centre)


@transaction.atomic
def forget_person(person: Person, *, actor=None, reason: str = "") -> None:
    """What social follow-up holds on a person goes when the person is anonymised or erased
    (csc.people.services calls this first, while the person still has their name)."""
    SituationValue.objects.filter(person=person).delete()
    BudgetLine.objects.filter(person=person).delete()
    PersonContact.objects.filter(person=person).delete()
    HouseholdChange.objects.filter(person=person).delete()
    period_ids = list(person.casework_periods.values_list("pk", flat=True))
    # Letters and certificates generated for the person carry their name in the title and the text.
    full_name = f"{person.first_name} {person.last_name}".strip()
    if full_name:
        generated = Document.objects.filter(
            period_id__in=period_ids, origin=Document.Origin.GENERATED, title__endswith=f" — {full_name}"
        )
        _delete_files_after_commit(list(generated))
    Exchange.persons.through.objects.filter(person=person).delete()
    Period.persons.through.objects.filter(person=person).delete()
    emptied = (
        Period.objects.filter(pk__in=period_ids, anonymised_at__isnull=True)
        .annotate(n=Count("persons"))
        .filter(n=0)
    )
    for period in emptied:
        if not period.is_closed:
            period.status = Period.Status.CLOSED
            period.closed_on = max(timezone.localdate(), period.opened_on)
            period.closing_reason = Period.ClosingReason.OTHER
            period.save(update_fields=["status", "closed_on", "closing_reason", "updated_at"])
        anonymise_period(period, actor=actor, reason=reason or "personne anonymisée")

"""The operations of social follow-up: one transaction each, the only place its rules live."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django import forms
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from csc.core import audit
from csc.core.forms import parse_date
from csc.core.models import Centre
from csc.core.roles import CENTRE_ROLES, capabilities_of
from csc.core.uploads import CONTENT_TYPES, check_document
from csc.people.models import Household, Person

from . import crypto, letters
from .actions import CASE_READ, CASE_REFUSED
from .capabilities import CASEWORK_FOLLOW
from .models import (
    BudgetLine,
    Document,
    Evaluation,
    Exchange,
    LetterTemplate,
    Period,
    PersonContact,
    Scope,
    SituationField,
    SituationValue,
    SocialAction,
    SocialIssue,
    Task,
    ThirdParty,
)

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
    if not LetterTemplate.objects.filter(centre=centre).exists():
        LetterTemplate.objects.bulk_create(
            [
                LetterTemplate(centre=centre, kind=kind, name=name, body=body)
                for kind, name, body in letters.DEFAULT_TEMPLATES
            ]
        )


def workers_of(centre: Centre):
    """The staff of the centre who may follow people (casework.follow), by name."""
    follow_roles = [role for role in CENTRE_ROLES if CASEWORK_FOLLOW in capabilities_of(role)]
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
    audit.record(CASE_READ, actor=user, centre=centre_id, obj=obj, person_id=person_id, detail=what)


def journal_refusal(user, *, object_type: str, object_id: str, centre_id: int | None = None) -> None:
    """An attempt to reach a file the user may not read: they get a 404, the journal keeps the try."""
    audit.record(
        CASE_REFUSED,
        actor=user,
        centre=centre_id,
        object_type=object_type,
        object_id=object_id,
        detail="accès refusé",
    )


# --- Social actions ---------------------------------------------------------------------------------


def _open_or_refuse(period: Period, what: str) -> None:
    if period.is_closed:
        raise CaseworkRefused(f"Ce parcours est clôturé : rouvrez-le pour {what}.")


def _within_period(period: Period, day: date, what: str) -> None:
    if day > timezone.localdate():
        raise CaseworkRefused(f"La date {what} ne peut pas être dans le futur.")
    if day < period.opened_on:
        raise CaseworkRefused(f"La date {what} ne peut pas précéder l'ouverture du parcours.")


@transaction.atomic
def start_action(
    period: Period,
    *,
    by,
    title: str,
    issue: SocialIssue | None = None,
    goals: str = "",
    started_on: date | None = None,
) -> SocialAction:
    """Undertake an action for the period, on one of its issues."""
    _open_or_refuse(period, "commencer une action")
    started_on = started_on or timezone.localdate()
    _within_period(period, started_on, "de début")
    if issue is not None and issue.centre_id != period.centre_id:
        raise CaseworkRefused("Cette problématique n'est pas celle de votre centre.")
    return SocialAction.objects.create(
        period=period, issue=issue, title=title.strip(), goals=goals, started_on=started_on, created_by=by
    )


@transaction.atomic
def evaluate_action(
    action: SocialAction, *, by, progress: str, notes: str = "", evaluated_on: date | None = None
) -> Evaluation:
    """Note where an action stands. An ended action is no longer evaluated."""
    _open_or_refuse(action.period, "évaluer une action")
    if action.result != SocialAction.Result.IN_PROGRESS:
        raise CaseworkRefused("Cette action est terminée : elle ne s'évalue plus.")
    evaluated_on = evaluated_on or timezone.localdate()
    if evaluated_on < action.started_on or evaluated_on > timezone.localdate():
        raise CaseworkRefused("La date de l'évaluation doit être entre le début de l'action et aujourd'hui.")
    return Evaluation.objects.create(
        action=action, progress=progress, notes=notes, evaluated_on=evaluated_on, author=by
    )


@transaction.atomic
def end_action(
    action: SocialAction, *, result: str, result_notes: str = "", ended_on: date | None = None
) -> SocialAction:
    """Close an action with its result (achieved, partly, not achieved, abandoned)."""
    _open_or_refuse(action.period, "terminer une action")
    if action.result != SocialAction.Result.IN_PROGRESS:
        raise CaseworkRefused("Cette action est déjà terminée.")
    if result not in SocialAction.Result.values or result == SocialAction.Result.IN_PROGRESS:
        raise CaseworkRefused("Choisissez le résultat de l'action.")
    ended_on = ended_on or timezone.localdate()
    if ended_on < action.started_on or ended_on > timezone.localdate():
        raise CaseworkRefused("La date de fin doit être entre le début de l'action et aujourd'hui.")
    action.result = result
    action.result_notes = result_notes
    action.ended_on = ended_on
    action.save(update_fields=["result", "result_notes", "ended_on"])
    return action


# --- Documents --------------------------------------------------------------------------------------

MAX_DOCUMENT_BYTES = 10 * 1024 * 1024


def _store_document(period: Period, *, by, title: str, category: str, origin: str, kind: str, data: bytes):
    """Encrypt the content and keep it under a random name; the row says its real type and size."""
    document = Document(
        period=period,
        title=title.strip(),
        category=category,
        origin=origin,
        content_type=CONTENT_TYPES[kind],
        size=len(data),
        created_by=by,
    )
    document.file.save("document", ContentFile(crypto.encrypt_bytes(data)), save=False)
    try:
        document.save()
    except Exception:
        document.file.delete(save=False)  # no orphan file if the row cannot be written
        raise
    return document


@transaction.atomic
def add_document(period: Period, *, by, upload, title: str, category: str) -> Document:
    """Keep an uploaded document: its type is read from its content (PDF, JPG, PNG), its size bounded."""
    _open_or_refuse(period, "déposer un document")
    try:
        kind = check_document(
            upload,
            limit=MAX_DOCUMENT_BYTES,
            too_big_hint="Scannez-le en moins bonne qualité ou en plusieurs fichiers.",
            wrong_type=(
                "Ce fichier n'est pas un PDF, une photo JPG ou PNG. Scannez ou photographiez le document."
            ),
        )
    except forms.ValidationError as invalid:
        raise CaseworkRefused(" ".join(invalid.messages)) from None
    upload.seek(0)
    title = title.strip() or f"Document du {timezone.localdate():%d/%m/%Y}"
    return _store_document(
        period,
        by=by,
        title=title,
        category=category,
        origin=Document.Origin.UPLOADED,
        kind=kind,
        data=upload.read(),
    )


def read_document(document: Document, *, by) -> bytes:
    """The document in clear, for its download; the read is journaled (who, when, which document)."""
    with document.file.open("rb") as stored:
        data = crypto.decrypt_bytes(stored.read())
    journal_read(by, document, centre_id=document.period.centre_id, what="document")
    return data


@transaction.atomic
def generate_document(period: Period, *, by, template: LetterTemplate, person: Person) -> Document:
    """A letter or certificate from one of the centre's templates, for a person of the period, kept as
    a PDF document of the period."""
    _open_or_refuse(period, "générer un document")
    if template.centre_id != period.centre_id or not template.is_active:
        raise CaseworkRefused("Ce modèle n'est pas proposé par votre centre.")
    if not period.persons.filter(pk=person.pk).exists():
        raise CaseworkRefused("Choisissez une personne du parcours.")
    data = letters.letter_pdf(template, period=period, person=person, author=by)
    category = (
        Document.Category.CERTIFICATE
        if template.kind == LetterTemplate.Kind.CERTIFICATE
        else Document.Category.MAIL
    )
    title = f"{template.name} — {person.first_name} {person.last_name}"
    return _store_document(
        period, by=by, title=title, category=category, origin=Document.Origin.GENERATED, kind="pdf", data=data
    )


@transaction.atomic
def rotate_document(document: Document) -> None:
    """The file encrypted again with the first key (key rotation), under a new random name; the old
    file goes once the row points at the new one."""
    with document.file.open("rb") as stored:
        token = crypto.rotate_bytes(stored.read())
    old = document.file.name
    document.file.save("document", ContentFile(token), save=False)
    Document.objects.filter(pk=document.pk).update(file=document.file.name)
    storage = document.file.storage
    transaction.on_commit(lambda: storage.delete(old))


@transaction.atomic
def delete_document(document: Document) -> None:
    """A document put in the wrong file is removed, its encrypted file with it."""
    _open_or_refuse(document.period, "retirer un document")
    stored = document.file
    document.delete()
    transaction.on_commit(lambda: stored.delete(save=False))


# --- The case file: situation, budget, contacts -----------------------------------------------------


def household_of(person: Person) -> Household | None:
    """The household a period or a budget counts the person in: their first one, when they have several."""
    membership = person.memberships.select_related("household").order_by("pk").first()
    return membership.household if membership else None


def situation_fields(centre: Centre):
    return SituationField.objects.filter(centre=centre, is_active=True).order_by("position", "id")


def situation_of(person: Person) -> list[tuple[SituationField, str]]:
    """Each line of the centre's situation summary with the person's answer ("" when none)."""
    answers = {value.field_id: value.value for value in person.casework_situation.all()}
    return [(field, answers.get(field.pk, "")) for field in situation_fields(person.centre)]


def clean_situation_answer(field: SituationField, raw: str) -> str:
    """An answer checked against its field's type, stored as text: a number with a dot, a date as
    YYYY-MM-DD, a choice among the field's. Raises CaseworkRefused with a French message."""
    raw = (raw or "").strip()
    if not raw:
        return ""
    if field.kind == SituationField.Kind.NUMBER:
        try:
            number = Decimal(raw.replace(" ", "").replace("\u202f", "").replace(",", "."))
        except InvalidOperation:
            raise CaseworkRefused(f"« {field.label} » : saisissez un nombre, par exemple 3 ou 2,5.") from None
        if not number.is_finite() or abs(number) >= 10**9:
            raise CaseworkRefused(f"« {field.label} » : ce nombre n'est pas possible.")
        return format(number.normalize(), "f")
    if field.kind == SituationField.Kind.DATE:
        if (day := parse_date(raw)) is not None:
            return day.isoformat()
        raise CaseworkRefused(f"« {field.label} » : saisissez une date comme 31/12/2024.")
    if field.kind == SituationField.Kind.CHOICE and raw not in field.choice_list:
        raise CaseworkRefused(f"« {field.label} » : choisissez une réponse de la liste.")
    if len(raw) > 2000:
        raise CaseworkRefused(f"« {field.label} » : 2 000 caractères au plus.")
    return raw


@transaction.atomic
def save_situation(person: Person, *, by, answers: dict[int, str]) -> int:
    """Save the answers of the situation summary (field id -> answer already checked by
    clean_situation_answer); an emptied answer is removed. Returns how many answers changed."""
    fields = {field.pk: field for field in situation_fields(person.centre)}
    current = {value.field_id: value for value in person.casework_situation.filter(field_id__in=fields)}
    changed = 0
    for field_id, answer in answers.items():
        if field_id not in fields:
            continue
        value = current.get(field_id)
        if not answer:
            if value is not None:
                value.delete()
                changed += 1
        elif value is None:
            SituationValue.objects.create(person=person, field_id=field_id, value=answer, updated_by=by)
            changed += 1
        elif value.value != answer:
            value.value = answer
            value.updated_by = by
            value.save(update_fields=["value", "updated_by", "updated_at"])
            changed += 1
    if changed:
        Person.objects.filter(pk=person.pk).update(last_activity_at=timezone.now())
    return changed


def _check_budget(direction: str, category: str, amount: Decimal) -> None:
    if direction not in BudgetLine.Direction.values or category not in BudgetLine.Category.values:
        raise CaseworkRefused("Choisissez la nature de la ressource ou de la charge.")
    if direction == BudgetLine.Direction.INCOME and category not in BudgetLine.INCOME_CATEGORIES:
        raise CaseworkRefused("Cette nature est une charge, pas une ressource.")
    if amount < 0:
        raise CaseworkRefused("Le montant ne peut pas être négatif.")


@transaction.atomic
def add_budget_line(
    person: Person,
    *,
    by,
    direction: str,
    category: str,
    monthly_amount: Decimal,
    started_on: date | None = None,
    label: str = "",
) -> BudgetLine:
    _check_budget(direction, category, monthly_amount)
    started_on = started_on or timezone.localdate()
    return BudgetLine.objects.create(
        person=person,
        direction=direction,
        category=category,
        label=label.strip(),
        monthly_amount=monthly_amount,
        started_on=started_on,
        created_by=by,
    )


@transaction.atomic
def change_budget_amount(line: BudgetLine, *, by, monthly_amount: Decimal, from_date: date) -> BudgetLine:
    """A new amount from a date: the line ends the day before and a new one starts, so that the budget
    of any past month stays what it was."""
    _check_budget(line.direction, line.category, monthly_amount)
    if line.ended_on is not None:
        raise CaseworkRefused("Cette ligne est terminée : ajoutez-en une nouvelle.")
    if from_date <= line.started_on:
        raise CaseworkRefused(
            f"Le nouveau montant doit commencer après le {line.started_on:%d/%m/%Y}, début de la ligne."
        )
    line.ended_on = from_date - timedelta(days=1)
    line.save(update_fields=["ended_on"])
    return BudgetLine.objects.create(
        person=line.person,
        direction=line.direction,
        category=line.category,
        label=line.label,
        monthly_amount=monthly_amount,
        started_on=from_date,
        created_by=by,
    )


@transaction.atomic
def end_budget_line(line: BudgetLine, *, ended_on: date) -> BudgetLine:
    if line.ended_on is not None:
        raise CaseworkRefused("Cette ligne est déjà terminée.")
    if ended_on < line.started_on:
        raise CaseworkRefused(f"La fin ne peut pas précéder le début ({line.started_on:%d/%m/%Y}).")
    line.ended_on = ended_on
    line.save(update_fields=["ended_on"])
    return line


@dataclass(frozen=True)
class Budget:
    """A person's monthly budget on a day: what comes in, what goes out, what remains."""

    day: date
    incomes: list[BudgetLine]
    charges: list[BudgetLine]
    household_size: int

    @property
    def income_total(self) -> Decimal:
        return sum((line.monthly_amount for line in self.incomes), Decimal("0"))

    @property
    def charge_total(self) -> Decimal:
        return sum((line.monthly_amount for line in self.charges), Decimal("0"))

    @property
    def remainder(self) -> Decimal:
        """« Reste à vivre » per month: what is left once the charges are paid (negative when short)."""
        return self.income_total - self.charge_total

    @property
    def remainder_per_person_per_day(self) -> Decimal | None:
        """The measure the emergency-aid committees use: per person of the household and per day (a
        month counted as 30 days), rounded to the cent."""
        if self.household_size < 1:
            return None
        return (self.remainder / self.household_size / 30).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def budget_on(lines, day: date, *, household_size: int) -> Budget:
    current = [line for line in lines if line.is_current_on(day)]
    return Budget(
        day=day,
        incomes=[line for line in current if line.direction == BudgetLine.Direction.INCOME],
        charges=[line for line in current if line.direction == BudgetLine.Direction.CHARGE],
        household_size=household_size,
    )


@transaction.atomic
def save_third_party(centre: Centre, *, third_party: ThirdParty | None = None, **fields) -> ThirdParty:
    """Add a contact to the centre's address book, or correct one of its own."""
    if third_party is not None and third_party.centre_id != centre.pk:
        raise CaseworkRefused("Ce contact n'est pas celui de votre centre.")
    third_party = third_party or ThirdParty(centre=centre)
    for name, value in fields.items():
        setattr(third_party, name, value.strip() if isinstance(value, str) else value)
    third_party.save()
    return third_party


@transaction.atomic
def link_contact(person: Person, *, third_party: ThirdParty, role: str = "") -> PersonContact:
    if third_party.centre_id != person.centre_id:
        raise CaseworkRefused("Ce contact n'est pas celui de votre centre.")
    contact, created = PersonContact.objects.get_or_create(
        person=person, third_party=third_party, defaults={"role": role.strip()}
    )
    if not created:
        raise CaseworkRefused("Ce contact figure déjà au dossier.")
    return contact


@transaction.atomic
def unlink_contact(contact: PersonContact) -> None:
    contact.delete()


# --- The centre's settings (direction) --------------------------------------------------------------


def _unique_name(model, centre: Centre, field: str, value: str, instance=None, what: str = "") -> None:
    others = model.objects.filter(centre=centre, **{f"{field}__iexact": value})
    if instance is not None and instance.pk:
        others = others.exclude(pk=instance.pk)
    if others.exists():
        raise CaseworkRefused(f"{what} « {value} » existe déjà dans votre centre.")


@transaction.atomic
def save_scope(centre: Centre, *, scope: Scope | None = None, name: str, workers=()) -> Scope:
    """Create or rename a scope and choose its workers, all social workers of the centre."""
    name = name.strip()
    _unique_name(Scope, centre, "name", name, scope, "Le cercle")
    allowed = set(workers_of(centre).values_list("pk", flat=True))
    if any(worker.pk not in allowed for worker in workers):
        raise CaseworkRefused("Les intervenants d'un cercle doivent accompagner dans ce centre.")
    scope = scope or Scope(centre=centre)
    scope.name = name
    scope.save()
    scope.workers.set(workers)
    return scope


@transaction.atomic
def add_issue(centre: Centre, *, name: str) -> SocialIssue:
    name = name.strip()
    _unique_name(SocialIssue, centre, "name", name, what="La problématique")
    return SocialIssue.objects.create(centre=centre, name=name)


@transaction.atomic
def toggle_issue(issue: SocialIssue) -> SocialIssue:
    """An issue is withdrawn, never deleted: the periods that used it keep it, and so do the figures."""
    issue.is_active = not issue.is_active
    issue.save(update_fields=["is_active"])
    return issue


@transaction.atomic
def save_situation_field(centre: Centre, *, field: SituationField | None = None, **values) -> SituationField:
    """Create or change a line of the situation summary. A choice needs at least two choices; a type
    changed later leaves the answers given as they were (shown as text)."""
    values["label"] = values["label"].strip()
    _unique_name(SituationField, centre, "label", values["label"], field, "La rubrique")
    choices = [line.strip() for line in (values.get("choices") or "").splitlines() if line.strip()]
    if values.get("kind") == SituationField.Kind.CHOICE and len(choices) < 2:
        raise CaseworkRefused(
            "Une rubrique « choix dans une liste » propose au moins deux choix, un par ligne."
        )
    values["choices"] = "\n".join(choices)
    field = field or SituationField(centre=centre)
    for name, value in values.items():
        setattr(field, name, value)
    field.save()
    return field


@transaction.atomic
def save_template(centre: Centre, *, template: LetterTemplate | None = None, **values) -> LetterTemplate:
    """Create or change a letter or certificate template; a field CSC does not know is refused, so
    that a letter never goes out with « {prenon} » in it."""
    values["name"] = values["name"].strip()
    _unique_name(LetterTemplate, centre, "name", values["name"], template, "Le modèle")
    unknown = letters.unknown_fields(values["body"])
    if unknown:
        names = ", ".join("{" + name + "}" for name in unknown)
        raise CaseworkRefused(f"Champs inconnus : {names}. Utilisez ceux de la liste sous le texte.")
    template = template or LetterTemplate(centre=centre)
    for name, value in values.items():
        setattr(template, name, value)
    template.save()
    return template

"""Social follow-up (accompagnement social), after Chill: scopes of work per centre, a thesaurus of
social issues, accompanying periods of one person or a household, the exchanges and tasks inside them.

What a social worker writes (notes, exchange contents) is encrypted at rest (crypto.py); names, dates,
kinds and statuses stay in clear, for search and for the funders' counts.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from csc.core.audit import ChangeTrackingMixin, audited
from csc.core.models import Centre
from csc.people.models import Household, HouseholdMember, Person

from .crypto import EncryptedTextField


@audited()
class Scope(ChangeTrackingMixin, models.Model):
    """A « cercle »: a field of work of the centre (insertion, famille, accès aux droits…). A worker reads
    the periods of the scopes they belong to."""

    centre = models.ForeignKey(Centre, on_delete=models.CASCADE, related_name="casework_scopes")
    name = models.CharField(_("nom"), max_length=100)
    workers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="casework_scopes", blank=True, verbose_name=_("intervenants")
    )

    class Meta:
        verbose_name = _("cercle")
        ordering = ["name", "id"]
        constraints = [models.UniqueConstraint(fields=["centre", "name"], name="casework_scope_unique")]

    def __str__(self):
        return self.name


@audited()
class SocialIssue(ChangeTrackingMixin, models.Model):
    """One entry of the centre's thesaurus of social issues (logement, emploi, santé, budget…)."""

    centre = models.ForeignKey(Centre, on_delete=models.CASCADE, related_name="casework_issues")
    name = models.CharField(_("problématique"), max_length=100)
    is_active = models.BooleanField(_("proposée"), default=True)

    class Meta:
        verbose_name = _("problématique sociale")
        verbose_name_plural = _("problématiques sociales")
        ordering = ["name", "id"]
        constraints = [models.UniqueConstraint(fields=["centre", "name"], name="casework_issue_unique")]

    def __str__(self):
        return self.name


@audited()
class Period(ChangeTrackingMixin, models.Model):
    """A « parcours d'accompagnement »: why the centre follows one person or a household, from when,
    by whom, and how it ended."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Brouillon")
        OPEN = "open", _("En cours")
        CLOSED = "closed", _("Clôturé")

    class Origin(models.TextChoices):
        SPONTANEOUS = "spontaneous", _("Démarche de la personne")
        PARTNER = "partner", _("Orientation par un partenaire")
        INTERNAL = "internal", _("Orientation interne au centre")
        FAMILY = "family", _("Demande d'un proche")
        OTHER = "other", _("Autre")

    class ClosingReason(models.TextChoices):
        GOALS_MET = "goals_met", _("Objectifs atteints")
        REFERRED = "referred", _("Relais pris par une autre structure")
        MOVED = "moved", _("Déménagement")
        NO_CONTACT = "no_contact", _("Plus de nouvelles")
        REFUSED = "refused", _("Fin à la demande de la personne")
        OTHER = "other", _("Autre")

    class Place(models.TextChoices):
        CENTRE = "centre", _("Au centre")
        HOME = "home", _("À domicile")
        OUTSIDE = "outside", _("À l'extérieur")
        REMOTE = "remote", _("À distance")

    centre = models.ForeignKey(Centre, on_delete=models.PROTECT, related_name="casework_periods")
    scope = models.ForeignKey(
        Scope, on_delete=models.PROTECT, related_name="periods", verbose_name=_("cercle")
    )
    persons = models.ManyToManyField(Person, related_name="casework_periods", verbose_name=_("personnes"))
    household = models.ForeignKey(
        Household, on_delete=models.SET_NULL, null=True, blank=True, related_name="casework_periods"
    )
    opened_on = models.DateField(_("date d'ouverture"), default=timezone.localdate)
    origin = models.CharField(_("origine de la demande"), max_length=20, choices=Origin.choices)
    requester = models.CharField(
        _("demandeur"),
        max_length=200,
        blank=True,
        help_text=_("Qui a fait la demande, si ce n'est pas la personne."),
    )
    issues = models.ManyToManyField(SocialIssue, related_name="periods", verbose_name=_("problématiques"))
    referent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="casework_referent_of",
        verbose_name=_("référent(e)"),
    )
    workers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        related_name="casework_periods",
        blank=True,
        verbose_name=_("autres intervenants"),
    )
    place = models.CharField(_("lieu"), max_length=20, choices=Place.choices, default=Place.CENTRE)
    is_confidential = models.BooleanField(
        _("confidentiel"),
        default=False,
        help_text=_("Seuls le ou la référent(e) et les intervenants nommés le voient, pas tout le cercle."),
    )
    status = models.CharField(_("statut"), max_length=10, choices=Status.choices, default=Status.OPEN)
    closed_on = models.DateField(_("date de clôture"), null=True, blank=True)
    closing_reason = models.CharField(
        _("motif de clôture"), max_length=20, choices=ClosingReason.choices, blank=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    anonymised_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("parcours d'accompagnement")
        verbose_name_plural = _("parcours d'accompagnement")
        ordering = ["-opened_on", "-id"]
        indexes = [
            models.Index(fields=["centre", "status", "opened_on"], name="casework_period_centre"),
            models.Index(fields=["centre", "closed_on"], name="casework_period_closed"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="closed", closed_on__isnull=False)
                | (~Q(status="closed") & Q(closed_on__isnull=True)),
                name="casework_period_closed_has_date",
            ),
        ]

    def __str__(self):
        return f"Parcours n° {self.pk}"

    @property
    def is_closed(self) -> bool:
        return self.status == self.Status.CLOSED


def _period_centre(obj) -> int | None:
    return obj.period.centre_id


@audited(centre_of=_period_centre)
class Exchange(ChangeTrackingMixin, models.Model):
    """Something that happened with the person: an interview, a home visit, a call, an accompaniment
    somewhere, an online procedure done together. The notes are encrypted; private notes are read only
    by their author."""

    class Kind(models.TextChoices):
        INTERVIEW = "interview", _("Entretien")
        HOME_VISIT = "home_visit", _("Visite à domicile")
        CALL = "call", _("Appel téléphonique")
        ACCOMPANIMENT = "accompaniment", _("Accompagnement physique")
        ONLINE_PROCEDURE = "online_procedure", _("Démarche en ligne")

    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="exchanges")
    kind = models.CharField(_("type d'échange"), max_length=20, choices=Kind.choices)
    happened_on = models.DateField(_("date"), default=timezone.localdate)
    duration_minutes = models.PositiveSmallIntegerField(_("durée (minutes)"), null=True, blank=True)
    # Named (not "+") so that merging two records of a person moves their presence at exchanges too
    # (csc.people.services._move_related follows only visible relations).
    persons = models.ManyToManyField(
        Person, related_name="casework_exchanges", blank=True, verbose_name=_("personnes présentes")
    )
    # Where an accompaniment went, which organisation a procedure was for, who was called…
    counterpart = models.CharField(_("lieu, organisme ou interlocuteur"), max_length=200, blank=True)
    notes = EncryptedTextField(_("notes"), blank=True)
    is_private = models.BooleanField(
        _("notes privées"),
        default=False,
        help_text=_("Vous seul(e) lirez ces notes ; l'échange reste compté."),
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("échange")
        ordering = ["-happened_on", "-id"]
        indexes = [models.Index(fields=["period", "happened_on"], name="casework_exchange_period")]

    def __str__(self):
        return f"{self.get_kind_display()} du {self.happened_on:%d/%m/%Y}"


@audited(centre_of=_period_centre)
class Task(ChangeTrackingMixin, models.Model):
    """Something to do for a period, by someone, by a date. Reminders go by e-mail in a daily digest."""

    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="tasks")
    title = models.CharField(_("tâche"), max_length=200)
    details = EncryptedTextField(_("précisions"), blank=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="casework_tasks",
        verbose_name=_("confiée à"),
    )
    due_on = models.DateField(_("à faire pour le"))
    done_at = models.DateTimeField(null=True, blank=True)
    # The day the task last went out in its assignee's reminder digest: a second run of the digest on
    # the same day sends nothing again.
    reminded_on = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("tâche")
        ordering = ["due_on", "id"]
        indexes = [models.Index(fields=["assignee", "done_at", "due_on"], name="casework_task_assignee")]

    def __str__(self):
        return self.title

    @property
    def is_done(self) -> bool:
        return self.done_at is not None

    @property
    def is_late(self) -> bool:
        return not self.is_done and self.due_on < timezone.localdate()


# --- The case file: situation, resources, contacts ------------------------------------------------


@audited()
class SituationField(ChangeTrackingMixin, models.Model):
    """A line of the situation summary the centre chooses without code: « Situation professionnelle »
    (choice), « Date d'arrivée en France » (date), « Nombre de personnes à charge » (number)…"""

    class Kind(models.TextChoices):
        TEXT = "text", _("Texte")
        NUMBER = "number", _("Nombre")
        DATE = "date", _("Date")
        CHOICE = "choice", _("Choix dans une liste")

    centre = models.ForeignKey(Centre, on_delete=models.CASCADE, related_name="casework_situation_fields")
    label = models.CharField(_("intitulé"), max_length=100)
    kind = models.CharField(_("type de réponse"), max_length=10, choices=Kind.choices, default=Kind.TEXT)
    choices = models.TextField(
        _("choix proposés"), blank=True, help_text=_("Un choix par ligne (pour le type « choix »).")
    )
    help_text = models.CharField(_("aide"), max_length=200, blank=True)
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)
    is_active = models.BooleanField(_("proposée"), default=True)

    class Meta:
        verbose_name = _("rubrique de la situation")
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["centre", "label"], name="casework_situation_field_unique")
        ]

    def __str__(self):
        return self.label

    @property
    def choice_list(self) -> list[str]:
        return [line.strip() for line in self.choices.splitlines() if line.strip()]


def _person_centre(obj) -> int | None:
    return obj.person.centre_id


def _person_id(obj) -> int | None:
    return obj.person_id


@audited(centre_of=_person_centre, person_of=_person_id)
class SituationValue(ChangeTrackingMixin, models.Model):
    """A person's answer to one line of the situation summary, encrypted: it says things like a
    residence permit's status or a debt."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="casework_situation")
    field = models.ForeignKey(SituationField, on_delete=models.CASCADE, related_name="values")
    value = EncryptedTextField(_("réponse"), blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("réponse de la situation")
        constraints = [
            models.UniqueConstraint(fields=["person", "field"], name="casework_situation_value_unique")
        ]

    def __str__(self):
        return str(self.field)


@audited(centre_of=_person_centre, person_of=_person_id)
class BudgetLine(ChangeTrackingMixin, models.Model):
    """A monthly income or charge of a person, from a date until another: a change of amount closes the
    line and opens a new one, so that the history stays (the budget at any date)."""

    class Direction(models.TextChoices):
        INCOME = "income", _("Ressource")
        CHARGE = "charge", _("Charge")

    class Category(models.TextChoices):
        SALARY = "salary", _("Salaire")
        UNEMPLOYMENT = "unemployment", _("Allocation chômage (ARE)")
        RSA = "rsa", _("RSA")
        ACTIVITY_BONUS = "activity_bonus", _("Prime d'activité")
        AAH = "aah", _("AAH")
        FAMILY_BENEFITS = "family_benefits", _("Prestations familiales")
        HOUSING_BENEFIT = "housing_benefit", _("Aide au logement (APL, ALS)")
        PENSION = "pension", _("Retraite ou pension")
        ALIMONY_RECEIVED = "alimony_received", _("Pension alimentaire reçue")
        RENT = "rent", _("Loyer")
        ENERGY = "energy", _("Énergie (électricité, gaz)")
        WATER = "water", _("Eau")
        INSURANCE = "insurance", _("Assurances")
        PHONE = "phone", _("Téléphone, internet")
        CREDIT = "credit", _("Crédit, remboursement de dette")
        ALIMONY_PAID = "alimony_paid", _("Pension alimentaire versée")
        CHILDCARE = "childcare", _("Garde d'enfants, cantine")
        TRANSPORT = "transport", _("Transport")
        OTHER = "other", _("Autre")

    INCOME_CATEGORIES = (
        "salary",
        "unemployment",
        "rsa",
        "activity_bonus",
        "aah",
        "family_benefits",
        "housing_benefit",
        "pension",
        "alimony_received",
        "other",
    )

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="casework_budget")
    direction = models.CharField(_("sens"), max_length=10, choices=Direction.choices)
    category = models.CharField(_("nature"), max_length=20, choices=Category.choices)
    label = models.CharField(_("précision"), max_length=100, blank=True)
    monthly_amount = models.DecimalField(_("montant mensuel (€)"), max_digits=9, decimal_places=2)
    started_on = models.DateField(_("depuis le"), default=timezone.localdate)
    ended_on = models.DateField(_("jusqu'au"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("ressource ou charge")
        verbose_name_plural = _("ressources et charges")
        ordering = ["direction", "-started_on", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(monthly_amount__gte=0), name="casework_budget_positive"),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="casework_budget_dates",
            ),
        ]

    def __str__(self):
        return f"{self.get_category_display()} : {self.monthly_amount} €"

    def is_current_on(self, day) -> bool:
        return self.started_on <= day and (self.ended_on is None or self.ended_on >= day)


@audited()
class ThirdParty(ChangeTrackingMixin, models.Model):
    """The centre's address book of the people and structures around those it follows: partner
    structures, doctors, landlords, interpreters…"""

    class Kind(models.TextChoices):
        PARTNER = "partner", _("Structure partenaire")
        SOCIAL_SERVICE = "social_service", _("Service social")
        DOCTOR = "doctor", _("Médecin, soignant")
        LANDLORD = "landlord", _("Bailleur")
        INTERPRETER = "interpreter", _("Interprète")
        SCHOOL = "school", _("École, établissement")
        EMPLOYER = "employer", _("Employeur")
        RELATIVE = "relative", _("Proche")
        OTHER = "other", _("Autre")

    centre = models.ForeignKey(Centre, on_delete=models.CASCADE, related_name="casework_third_parties")
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices)
    name = models.CharField(_("nom"), max_length=200)
    organisation = models.CharField(_("structure"), max_length=200, blank=True)
    phone = models.CharField(_("téléphone"), max_length=30, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    address = models.CharField(_("adresse"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("tiers")
        verbose_name_plural = _("tiers")
        ordering = ["name", "id"]
        indexes = [models.Index(fields=["centre", "kind"], name="casework_thirdparty_kind")]

    def __str__(self):
        return f"{self.name} ({self.organisation})" if self.organisation else self.name


@audited(centre_of=_person_centre, person_of=_person_id)
class PersonContact(ChangeTrackingMixin, models.Model):
    """A third party in a person's file: « Dr Martin, médecin traitant », « Habitat 62, bailleur »."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="casework_contacts")
    third_party = models.ForeignKey(ThirdParty, on_delete=models.CASCADE, related_name="persons")
    role = models.CharField(_("rôle auprès de la personne"), max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("contact de la personne")
        constraints = [
            models.UniqueConstraint(fields=["person", "third_party"], name="casework_contact_unique")
        ]

    def __str__(self):
        return f"{self.third_party} ({self.role})" if self.role else str(self.third_party)


# --- Inside a period: social actions, documents ---------------------------------------------------


@audited(centre_of=_period_centre)
class SocialAction(ChangeTrackingMixin, models.Model):
    """What the centre undertakes for a period (« constituer un dossier de surendettement »,
    « ouvrir les droits à la complémentaire santé »): its goals, then its result, evaluated along the
    way."""

    class Result(models.TextChoices):
        IN_PROGRESS = "in_progress", _("En cours")
        ACHIEVED = "achieved", _("Objectif atteint")
        PARTLY = "partly", _("Partiellement atteint")
        NOT_ACHIEVED = "not_achieved", _("Non atteint")
        ABANDONED = "abandoned", _("Abandonnée")

    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="actions")
    issue = models.ForeignKey(
        SocialIssue,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="actions",
        verbose_name=_("problématique"),
    )
    title = models.CharField(_("action"), max_length=200)
    goals = EncryptedTextField(_("objectifs"), blank=True)
    started_on = models.DateField(_("début"), default=timezone.localdate)
    ended_on = models.DateField(_("fin"), null=True, blank=True)
    result = models.CharField(
        _("résultat"), max_length=20, choices=Result.choices, default=Result.IN_PROGRESS
    )
    result_notes = EncryptedTextField(_("commentaire sur le résultat"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("action sociale")
        verbose_name_plural = _("actions sociales")
        ordering = ["started_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(result="in_progress", ended_on__isnull=True)
                | (~Q(result="in_progress") & Q(ended_on__isnull=False)),
                name="casework_action_ended_has_date",
            ),
        ]

    def __str__(self):
        return self.title


def _action_centre(obj) -> int | None:
    return obj.action.period.centre_id


@audited(centre_of=_action_centre)
class Evaluation(ChangeTrackingMixin, models.Model):
    """A point on an action's way: where it stands on a date, and what was observed."""

    class Progress(models.TextChoices):
        BETTER = "better", _("Progrès nets")
        SOME = "some", _("Quelques progrès")
        STILL = "still", _("Pas d'évolution")
        WORSE = "worse", _("Situation dégradée")

    action = models.ForeignKey(SocialAction, on_delete=models.CASCADE, related_name="evaluations")
    evaluated_on = models.DateField(_("date"), default=timezone.localdate)
    progress = models.CharField(_("évolution"), max_length=10, choices=Progress.choices)
    notes = EncryptedTextField(_("observations"), blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("évaluation")
        ordering = ["evaluated_on", "id"]

    def __str__(self):
        return f"{self.get_progress_display()} le {self.evaluated_on:%d/%m/%Y}"


@audited()
class LetterTemplate(ChangeTrackingMixin, models.Model):
    """A letter or certificate the centre writes once and generates as PDF for a person of a period.
    The body is Markdown with a few fields in braces ({prenom}, {nom}, {date}…), never a Django
    template: a director edits it, and it must not reach anything else."""

    class Kind(models.TextChoices):
        LETTER = "letter", _("Courrier")
        CERTIFICATE = "certificate", _("Attestation")

    centre = models.ForeignKey(Centre, on_delete=models.CASCADE, related_name="casework_templates")
    kind = models.CharField(_("type"), max_length=15, choices=Kind.choices)
    name = models.CharField(_("nom du modèle"), max_length=100)
    body = models.TextField(_("texte"))
    is_active = models.BooleanField(_("proposé"), default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("modèle de document")
        ordering = ["kind", "name", "id"]
        constraints = [models.UniqueConstraint(fields=["centre", "name"], name="casework_template_unique")]

    def __str__(self):
        return self.name


def document_path(document, filename: str) -> str:
    """A random name under the centre's folder: the path says nothing of the person or the document."""
    return f"accompagnement/{document.period.centre_id}/{uuid.uuid4().hex}.bin"


@audited(centre_of=_period_centre)
class Document(ChangeTrackingMixin, models.Model):
    """A document of a period, uploaded (a payslip, a letter received) or generated from one of the
    centre's templates. The file is stored encrypted, under the private media directory that no web
    server serves; it is read only through a view that checks the reader and journals the download."""

    class Category(models.TextChoices):
        IDENTITY = "identity", _("Identité, titre de séjour")
        RESOURCES = "resources", _("Ressources, impôts")
        HOUSING = "housing", _("Logement")
        HEALTH = "health", _("Santé")
        EMPLOYMENT = "employment", _("Emploi, formation")
        MAIL = "mail", _("Courrier reçu ou envoyé")
        CERTIFICATE = "certificate", _("Attestation")
        OTHER = "other", _("Autre")

    class Origin(models.TextChoices):
        UPLOADED = "uploaded", _("Déposé")
        GENERATED = "generated", _("Généré par CSC")

    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="documents")
    title = models.CharField(_("titre"), max_length=200)
    category = models.CharField(_("catégorie"), max_length=20, choices=Category.choices)
    origin = models.CharField(max_length=10, choices=Origin.choices, default=Origin.UPLOADED)
    file = models.FileField(upload_to=document_path, max_length=200)
    # The real type, from the content (csc.core.uploads), and the size before encryption.
    content_type = models.CharField(max_length=50)
    size = models.PositiveIntegerField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("document")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return self.title


class HouseholdChange(models.Model):
    """The household's history, as the case file shows it: who arrived, left or changed place in it, and
    when. Written by signals on the membership (signals.py), whatever screen made the change."""

    class Change(models.TextChoices):
        JOINED = "joined", _("Arrivée dans le foyer")
        LEFT = "left", _("Départ du foyer")
        RELATION = "relation", _("Changement de lien")

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="casework_history")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="casework_household_history")
    change = models.CharField(max_length=10, choices=Change.choices)
    relation = models.CharField(max_length=20, choices=HouseholdMember.Relation.choices)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("changement dans le foyer")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["household", "at"], name="casework_household_change")]

    def __str__(self):
        return f"{self.get_change_display()} le {self.at:%d/%m/%Y}"

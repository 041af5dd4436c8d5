"""Social follow-up (accompagnement social), after Chill: scopes of work per centre, a thesaurus of
social issues, accompanying periods of one person or a household, the exchanges and tasks inside them.

What a social worker writes (notes, exchange contents) is encrypted at rest (crypto.py); names, dates,
kinds and statuses stay in clear, for search and for the funders' counts.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from csc.core.audit import ChangeTrackingMixin, audited
from csc.core.models import Centre
from csc.people.models import Household, Person

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
    persons = models.ManyToManyField(
        Person, related_name="+", blank=True, verbose_name=_("personnes présentes")
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

"""Anim'connect: the pedagogical project of a centre, the activity sheets animators write and share across
the network, and the plannings that place them in the days of a leisure-centre period or of a week.

A planning names the activity's groups and, once published, the sessions attendance is taken on: those
sessions are made by the activities app (`csc.activities.sessions.sync_planned_sessions`), the meeting
point of the two modules.
"""

from __future__ import annotations

import secrets
import uuid
from datetime import time

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from csc.activities.models import Activity, Group, Period
from csc.core.audit import ChangeTrackingMixin, audited
from csc.core.models import Centre
from csc.core.tenancy import centres_with

from .capabilities import ANIMATION_SHEETS


class CentreOwnedQuerySet(models.QuerySet):
    def visible_to(self, user, capability: str = ANIMATION_SHEETS):
        return self.filter(centre_id__in=centres_with(user, capability))


# --- Pedagogical project ------------------------------------------------------------------------------


@audited()
class PedagogicalProject(ChangeTrackingMixin, models.Model):
    """The educational intentions a centre sets for itself (no activity) or for one of its leisure
    centres: what its plannings are meant to serve."""

    centre = models.ForeignKey(Centre, on_delete=models.CASCADE, related_name="pedagogical_projects")
    activity = models.ForeignKey(
        Activity, on_delete=models.CASCADE, related_name="pedagogical_projects", null=True, blank=True
    )
    introduction = models.TextField(
        _("nos intentions"), blank=True, help_text=_("Quelques phrases sur ce que l'équipe veut faire vivre.")
    )
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = CentreOwnedQuerySet.as_manager()

    class Meta:
        verbose_name = _("projet pédagogique")
        constraints = [
            models.UniqueConstraint(
                fields=["centre"], condition=Q(activity__isnull=True), name="project_one_per_centre"
            ),
            models.UniqueConstraint(
                fields=["centre", "activity"],
                condition=Q(activity__isnull=False),
                name="project_one_per_activity",
            ),
        ]

    def __str__(self):
        return f"Projet pédagogique — {self.activity or self.centre}"


class Objective(models.Model):
    """A general objective, or an operational objective that makes a general one concrete."""

    class Level(models.TextChoices):
        GENERAL = "general", _("Objectif général")
        OPERATIONAL = "operationnel", _("Objectif opérationnel")

    project = models.ForeignKey(PedagogicalProject, on_delete=models.CASCADE, related_name="objectives")
    centre = models.ForeignKey(Centre, on_delete=models.CASCADE, related_name="+")
    level = models.CharField(_("niveau"), max_length=15, choices=Level.choices, default=Level.GENERAL)
    parent = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="operational_objectives",
        verbose_name=_("objectif général"),
    )
    text = models.CharField(_("objectif"), max_length=300)
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)

    objects = CentreOwnedQuerySet.as_manager()

    class Meta:
        verbose_name = _("objectif")
        ordering = ["position", "id"]

    def __str__(self):
        return self.text


# --- Activity sheets ----------------------------------------------------------------------------------


class ActivitySheetQuerySet(models.QuerySet):
    def readable_in(self, centre_id: int):
        """What a team member of this centre may read: every sheet of the centre, drafts included, and
        the sheets other centres published for the whole network."""
        return self.filter(
            Q(centre_id=centre_id)
            | Q(visibility=ActivitySheet.Visibility.NETWORK, status=ActivitySheet.Status.PUBLISHED)
        )


class ActivitySheet(ChangeTrackingMixin, models.Model):
    """A description of an activity good enough for a new animator to lead it: the programme's answer to
    animators' turnover and little preparation time.

    A draft may be incomplete; publishing asks for what a reader needs (see `sheets.missing_for_publication`).
    `search_text` and `materials_search` (normalised: lower case, no accents) serve the search on SQLite
    and the materials filter; `search_vector` the French full-text search on PostgreSQL. They are written
    by `search.refresh_search_columns`, never by hand.
    """

    class Kind(models.TextChoices):
        CRAFTS = "manuelle", _("Activité manuelle et arts plastiques")
        SPORT = "sport", _("Sport et motricité")
        COOKING = "cuisine", _("Cuisine")
        SCIENCE = "sciences", _("Sciences et expériences")
        DIGITAL = "numerique", _("Numérique")
        OUTDOOR = "nature", _("Plein air et nature")
        GAME = "jeu", _("Jeu")
        EXPRESSION = "expression", _("Expression : théâtre, musique, danse")
        CITIZENSHIP = "citoyennete", _("Citoyenneté et vivre ensemble")
        OUTING = "sortie", _("Sortie")
        OTHER = "autre", _("Autre")

    class Visibility(models.TextChoices):
        CENTRE = "centre", _("Mon centre")
        NETWORK = "reseau", _("Tout le réseau")

    class Status(models.TextChoices):
        DRAFT = "brouillon", _("Brouillon")
        PUBLISHED = "publiee", _("Publiée")

    centre = models.ForeignKey(Centre, on_delete=models.PROTECT, related_name="activity_sheets")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    title = models.CharField(_("titre"), max_length=200)
    summary = models.TextField(_("en quelques mots"), blank=True)
    kind = models.CharField(_("type d'activité"), max_length=20, choices=Kind.choices, blank=True)
    min_age = models.PositiveSmallIntegerField(_("âge minimum (ans)"), null=True, blank=True)
    max_age = models.PositiveSmallIntegerField(_("âge maximum (ans)"), null=True, blank=True)
    group_min = models.PositiveSmallIntegerField(_("participants au moins"), null=True, blank=True)
    group_max = models.PositiveSmallIntegerField(_("participants au plus"), null=True, blank=True)
    duration_minutes = models.PositiveSmallIntegerField(_("durée (minutes)"), null=True, blank=True)
    preparation_minutes = models.PositiveSmallIntegerField(_("préparation (minutes)"), null=True, blank=True)
    materials = models.TextField(_("matériel"), blank=True, help_text=_("Un élément par ligne."))
    steps = models.TextField(_("déroulement"), blank=True, help_text=_("Une étape par ligne."))
    variants = models.TextField(_("variantes"), blank=True)
    safety_notes = models.TextField(_("sécurité"), blank=True)
    objectives = models.ManyToManyField(
        Objective, blank=True, related_name="sheets", verbose_name=_("objectifs servis")
    )
    visibility = models.CharField(
        _("qui peut la lire"), max_length=10, choices=Visibility.choices, default=Visibility.CENTRE
    )
    status = models.CharField(_("état"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    copied_from = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="copies"
    )
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    search_text = models.TextField(blank=True, editable=False)
    materials_search = models.TextField(blank=True, editable=False)
    search_vector = SearchVectorField(null=True, editable=False)

    objects = ActivitySheetQuerySet.as_manager()

    class Meta:
        verbose_name = _("fiche d'activité")
        ordering = ["-updated_at", "-id"]
        # The list without words walks the newest first; a kind filter has its own order; the
        # full-text and materials indexes (GIN) are PostgreSQL-only, in migrations 0002 and 0004.
        indexes = [
            models.Index(fields=["centre", "-updated_at"]),
            models.Index(fields=["visibility", "status", "-updated_at"]),
            models.Index(fields=["-updated_at", "-id"], name="sheet_newest"),
            models.Index(fields=["kind", "-updated_at", "-id"], name="sheet_kind_newest"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(min_age__isnull=True) | Q(max_age__isnull=True) | Q(max_age__gte=F("min_age")),
                name="sheet_age_order",
            ),
            models.CheckConstraint(
                condition=Q(group_min__isnull=True)
                | Q(group_max__isnull=True)
                | Q(group_max__gte=F("group_min")),
                name="sheet_group_size_order",
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    @property
    def is_shared(self) -> bool:
        return self.visibility == self.Visibility.NETWORK

    @property
    def kind_label(self) -> str:
        """`get_kind_display()` without its cost: Django rebuilds the whole choice table at every call,
        and the lists of sheets show it on every row."""
        return str(_KIND_LABELS.get(self.kind, self.kind))

    @property
    def age_label(self) -> str:
        return ages_label(self.min_age, self.max_age)


_KIND_LABELS = dict(ActivitySheet.Kind.choices)


def ages_label(min_age: int | None, max_age: int | None) -> str:
    """« 6 à 10 ans », « dès 6 ans », « jusqu'à 10 ans »: a sheet's or a group's ages."""
    if min_age is not None and max_age is not None:
        return f"{min_age} à {max_age} ans"
    if min_age is not None:
        return f"dès {min_age} ans"
    if max_age is not None:
        return f"jusqu'à {max_age} ans"
    return ""


class SheetVersion(models.Model):
    """What a sheet said after each change, so that an edit is never lost and can be brought back."""

    sheet = models.ForeignKey(ActivitySheet, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    content = models.JSONField(default=dict)

    class Meta:
        ordering = ["-number"]
        constraints = [models.UniqueConstraint(fields=["sheet", "number"], name="sheet_version_unique")]

    def __str__(self):
        return f"{self.sheet} — version {self.number}"


def sheet_attachment_path(instance, filename):
    # The name on disk is never the uploaded name: nothing a user types reaches the file system.
    return f"animation/fiches/{instance.sheet_id}/{uuid.uuid4().hex}"


class SheetAttachment(models.Model):
    """A photo (shown on the sheet) or a document (a template to print, rules of a game)."""

    class Kind(models.TextChoices):
        PHOTO = "photo", _("Photo")
        DOCUMENT = "document", _("Document")

    sheet = models.ForeignKey(ActivitySheet, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=sheet_attachment_path)
    name = models.CharField(_("nom"), max_length=200)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    file_type = models.CharField(max_length=10)  # pdf, png, jpeg: sniffed from the content
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self):
        return self.name


class SheetComment(models.Model):
    """A colleague's word on a sheet: a tip, how it went with their group. Shown as plain text."""

    sheet = models.ForeignKey(ActivitySheet, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    centre = models.ForeignKey(Centre, on_delete=models.CASCADE, related_name="+")
    text = models.TextField(_("commentaire"), max_length=2000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self):
        return self.text[:50]


class SheetFavourite(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    sheet = models.ForeignKey(ActivitySheet, on_delete=models.CASCADE, related_name="favourites")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "sheet"], name="sheet_favourite_unique")]

    def __str__(self):
        return f"{self.user} ★ {self.sheet}"


# --- Plannings ----------------------------------------------------------------------------------------


def new_public_token() -> str:
    return secrets.token_urlsafe(12)


@audited()
class Planning(ChangeTrackingMixin, models.Model):
    """The programme of an activity's groups, day by day and slot by slot, for a leisure-centre period
    or for a regular week. Published, it is shown to parents and gives the sessions of the attendance."""

    class Kind(models.TextChoices):
        PERIOD = "periode", _("Période d'accueil de loisirs")
        WEEK = "semaine", _("Semaine type")

    class Status(models.TextChoices):
        DRAFT = "brouillon", _("En préparation")
        PUBLISHED = "publie", _("Publié")

    centre = models.ForeignKey(Centre, on_delete=models.PROTECT, related_name="plannings")
    activity = models.ForeignKey(Activity, on_delete=models.PROTECT, related_name="plannings")
    period = models.ForeignKey(
        Period, on_delete=models.PROTECT, related_name="plannings", null=True, blank=True
    )
    kind = models.CharField(_("pour"), max_length=10, choices=Kind.choices, default=Kind.PERIOD)
    title = models.CharField(_("titre"), max_length=150)
    starts_on = models.DateField(_("du"))
    ends_on = models.DateField(_("au (inclus)"))
    weekdays = models.CharField(
        _("jours de la semaine"), max_length=13, default="0,1,2,3,4", help_text="0 = lundi, « 0,2,4 »"
    )
    morning_start = models.TimeField(_("matin : de"), default=time(9, 0))
    morning_end = models.TimeField(_("matin : à"), default=time(12, 0))
    afternoon_start = models.TimeField(_("après-midi : de"), default=time(14, 0))
    afternoon_end = models.TimeField(_("après-midi : à"), default=time(17, 0))
    status = models.CharField(_("état"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    published_at = models.DateTimeField(null=True, blank=True)
    published_revision = models.PositiveIntegerField(default=0)
    # The programme as parents read it, copied at each publication (see `plannings.public_content`):
    # the team keeps editing while families see what was announced, until the next publication.
    published_content = models.JSONField(default=dict, blank=True, editable=False)
    # Bumped by every change to the planning or its entries: a form posted on an older revision is a
    # conflict with a colleague's change, and the parents' page says when it is out of date.
    revision = models.PositiveIntegerField(default=1)
    public_token = models.CharField(max_length=32, unique=True, default=new_public_token, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CentreOwnedQuerySet.as_manager()

    class Meta:
        verbose_name = _("planning")
        ordering = ["-starts_on", "-id"]
        indexes = [models.Index(fields=["centre", "-starts_on"])]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")), name="planning_dates_order"),
        ]

    def __str__(self):
        return self.title

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    @property
    def has_unpublished_changes(self) -> bool:
        return self.is_published and self.revision != self.published_revision

    @property
    def weekday_set(self) -> set[int]:
        return {int(d) for d in self.weekdays.split(",") if d.strip().isdigit()}

    @property
    def session_origin(self) -> str:
        """The mark the sessions this planning makes carry in the activities app."""
        return f"planning:{self.pk}"


class PlanningEntry(models.Model):
    """An activity placed in a cell: a group (or every group), a day, a slot. From a sheet, or free."""

    class Slot(models.TextChoices):
        MORNING = "matin", _("Matin")
        AFTERNOON = "apres_midi", _("Après-midi")
        DAY = "journee", _("Journée")

    planning = models.ForeignKey(Planning, on_delete=models.CASCADE, related_name="entries")
    centre = models.ForeignKey(Centre, on_delete=models.CASCADE, related_name="+")
    group = models.ForeignKey(
        Group, on_delete=models.CASCADE, related_name="planning_entries", null=True, blank=True
    )
    date = models.DateField(_("jour"))
    slot = models.CharField(_("moment"), max_length=10, choices=Slot.choices)
    sheet = models.ForeignKey(
        ActivitySheet, on_delete=models.SET_NULL, related_name="planning_entries", null=True, blank=True
    )
    title = models.CharField(_("activité"), max_length=200)
    notes = models.CharField(_("précisions"), max_length=300, blank=True)
    animators = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="planning_entries", verbose_name=_("animateurs")
    )
    objectives = models.ManyToManyField(
        Objective, blank=True, related_name="planning_entries", verbose_name=_("objectifs servis")
    )
    position = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("activité du planning")
        ordering = ["date", "slot", "position", "id"]
        indexes = [
            models.Index(fields=["planning", "date"]),
            models.Index(fields=["centre", "date"]),
        ]

    def __str__(self):
        return self.title

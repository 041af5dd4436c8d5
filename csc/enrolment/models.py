"""Requests sent by families through the public forms, and what reception does with them.

A request is either a pré-adhésion (a household asks to join the centre for a season) or a
pré-inscription (children asked for days of a leisure-centre period). Until reception validates it,
nothing enters the people registry: the request keeps what the family typed, and validation creates
or updates the household, the membership and the registrations.
"""

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from csc.activities.capabilities import ACTIVITIES_CONFIGURE
from csc.activities.models import Group, Period, PeriodDay, Unit
from csc.core.audit import ChangeTrackingMixin, audited
from csc.core.models import Centre
from csc.core.tenancy import centres_with
from csc.people.models import BenefitsRegime, Household, Person, Season

from .capabilities import ENROLMENT_PROCESS


def attestation_path(instance, filename):
    # The family's file name is never kept: it may hold their name, and it is not needed.
    return f"attestations/{instance.centre_id}/{uuid.uuid4().hex}"


class RequestQuerySet(models.QuerySet):
    def visible_to(self, user, capability: str = ENROLMENT_PROCESS):
        return self.filter(centre_id__in=centres_with(user, capability))


@audited()
class Request(ChangeTrackingMixin, models.Model):
    class Kind(models.TextChoices):
        MEMBERSHIP = "adhesion", _("Pré-adhésion")
        REGISTRATION = "inscription", _("Pré-inscription")

    class Status(models.TextChoices):
        RECEIVED = "recue", _("Reçue")
        DOCUMENTS_MISSING = "pieces_manquantes", _("Documents manquants")
        OFFERED = "place_proposee", _("Place proposée")
        WAITING_LIST = "liste_attente", _("Liste d'attente")
        VALIDATED = "validee", _("Validée")
        REFUSED = "refusee", _("Refusée")
        CANCELLED = "annulee", _("Annulée")
        EXPIRED = "place_expiree", _("Place proposée expirée")

    # Statuses in which the children of a pré-inscription hold their places.
    HOLDING = (Status.RECEIVED, Status.DOCUMENTS_MISSING, Status.OFFERED, Status.VALIDATED)
    # Statuses reception can still act on.
    OPEN = (Status.RECEIVED, Status.DOCUMENTS_MISSING, Status.OFFERED, Status.WAITING_LIST)

    centre = models.ForeignKey(Centre, on_delete=models.PROTECT, related_name="enrolment_requests")
    kind = models.CharField(_("demande"), max_length=12, choices=Kind.choices)
    season = models.ForeignKey(Season, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    period = models.ForeignKey(
        Period, on_delete=models.PROTECT, null=True, blank=True, related_name="requests"
    )
    status = models.CharField(_("statut"), max_length=20, choices=Status.choices, default=Status.RECEIVED)
    waiting_rank = models.PositiveIntegerField(_("rang sur la liste d'attente"), null=True, blank=True)
    # An offered place is kept this long for the family (EnrolmentSettings.offer_delay_days), then goes
    # to the next on the waiting list (services.expire_offers).
    offer_expires_at = models.DateTimeField(_("place proposée jusqu'au"), null=True, blank=True)
    status_note = models.TextField(_("motif ou message à la famille"), blank=True)
    # A hidden field of the form: the same key twice (double click, back button) is the same request.
    submission_key = models.UUIDField(unique=True)
    reference = models.CharField(_("numéro de demande"), max_length=20, unique=True)

    address = models.CharField(_("adresse"), max_length=255, blank=True)
    postcode = models.CharField(_("code postal"), max_length=10, blank=True)
    city = models.CharField(_("commune"), max_length=120)
    email = models.EmailField(_("e-mail"))
    phone = models.CharField(_("téléphone"), max_length=20)
    # What the family declared; reception's check, when it checks, is kept beside it, never over it.
    family_quotient = models.DecimalField(
        _("quotient familial déclaré (€)"), max_digits=7, decimal_places=2, null=True, blank=True
    )
    checked_family_quotient = models.DecimalField(
        _("quotient familial vérifié par l'accueil (€)"),
        max_digits=7,
        decimal_places=2,
        null=True,
        blank=True,
    )
    checked_family_quotient_source = models.CharField(
        _("justificatif vérifié"), max_length=20, choices=Household.QuotientSource.choices, blank=True
    )
    benefits_regime = models.CharField(
        _("régime d'allocations"), max_length=20, choices=BenefitsRegime.choices, blank=True
    )
    works_in_city = models.CharField(_("commune où travaille un parent"), max_length=120, blank=True)
    dependent_children = models.PositiveSmallIntegerField(
        _("nombre d'enfants à charge"), null=True, blank=True
    )
    quotient_attestation = models.FileField(
        _("attestation de quotient familial"), upload_to=attestation_path, blank=True
    )
    consent_photos = models.BooleanField(_("accord pour les photos"), default=False)
    consent_communications = models.BooleanField(_("accord pour recevoir les informations"), default=False)
    consent_data = models.BooleanField(_("accord pour l'utilisation des données"), default=False)

    fee_total = models.DecimalField(_("montant estimé (€)"), max_digits=9, decimal_places=2, default=0)
    fee_lines = models.JSONField(_("détail du montant"), default=list, blank=True)
    bracket_label = models.CharField(_("tranche de quotient"), max_length=60, blank=True)

    household = models.ForeignKey(
        Household, on_delete=models.SET_NULL, null=True, blank=True, related_name="enrolment_requests"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = RequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("demande en ligne")
        verbose_name_plural = _("demandes en ligne")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["centre", "status", "-created_at"]),
            models.Index(fields=["period", "status", "waiting_rank"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="adhesion", season__isnull=False)
                | Q(kind="inscription", period__isnull=False),
                name="request_has_season_or_period",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.reference}"

    @property
    def holds_places(self) -> bool:
        return self.status in self.HOLDING

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN

    @property
    def family_name(self) -> str:
        adults = [p for p in self.people.all() if p.role == RequestPerson.Role.ADULT]
        first = adults[0] if adults else next(iter(self.people.all()), None)
        return f"{first.first_name} {first.last_name}" if first else ""


class RequestPerson(models.Model):
    """An adult or a child named in a request, as the family typed them."""

    class Role(models.TextChoices):
        ADULT = "adulte", _("Adulte")
        CHILD = "enfant", _("Enfant")

    request = models.ForeignKey(Request, on_delete=models.CASCADE, related_name="people")
    role = models.CharField(max_length=10, choices=Role.choices)
    position = models.PositiveSmallIntegerField(default=0)
    first_name = models.CharField(_("prénom"), max_length=150)
    last_name = models.CharField(_("nom"), max_length=150)
    birth_date = models.DateField(_("date de naissance"), null=True, blank=True)
    sex = models.CharField(
        _("sexe"), max_length=1, choices=Person.Sex.choices, default=Person.Sex.UNSPECIFIED
    )
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("téléphone"), max_length=20, blank=True)
    group = models.ForeignKey(Group, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    # The person of the registry this entry became (or was matched to) at validation.
    person = models.ForeignKey(Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["role", "position", "id"]

    def __str__(self):
        return f"{self.first_name} {self.last_name}"


class RequestBooking(models.Model):
    """One unit asked for one child on one day."""

    child = models.ForeignKey(RequestPerson, on_delete=models.CASCADE, related_name="bookings")
    day = models.ForeignKey(PeriodDay, on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["day__date", "unit__position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["child", "day", "unit"], name="request_booking_unique")
        ]

    def __str__(self):
        return f"{self.day} — {self.unit}"


class RequestEvent(models.Model):
    """The history of a request, shown to the family on the follow page and to reception."""

    request = models.ForeignKey(Request, on_delete=models.CASCADE, related_name="events")
    status = models.CharField(max_length=20, choices=Request.Status.choices)
    note = models.TextField(blank=True)
    at = models.DateTimeField(auto_now_add=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["at", "id"]

    def __str__(self):
        return self.get_status_display()


class StatusMessageQuerySet(models.QuerySet):
    def visible_to(self, user, capability: str = ACTIVITIES_CONFIGURE):
        return self.filter(centre_id__in=centres_with(user, capability))


@audited()
class StatusMessage(ChangeTrackingMixin, models.Model):
    """A centre's own wording of the e-mail sent when a request reaches a status."""

    centre = models.ForeignKey(Centre, on_delete=models.CASCADE, related_name="status_messages")
    status = models.CharField(_("statut"), max_length=20, choices=Request.Status.choices)
    subject = models.CharField(_("objet"), max_length=200)
    body = models.TextField(_("texte"))

    objects = StatusMessageQuerySet.as_manager()

    class Meta:
        verbose_name = _("texte d'e-mail")
        constraints = [models.UniqueConstraint(fields=["centre", "status"], name="status_message_unique")]

    def __str__(self):
        return self.subject


class EnrolmentSettingsQuerySet(models.QuerySet):
    def visible_to(self, user, capability: str = ACTIVITIES_CONFIGURE):
        return self.filter(centre_id__in=centres_with(user, capability))


@audited()
class EnrolmentSettings(ChangeTrackingMixin, models.Model):
    """A centre's rules for its online requests; a centre without a row has the defaults."""

    DEFAULT_OFFER_DELAY_DAYS = 3

    centre = models.OneToOneField(Centre, on_delete=models.CASCADE, related_name="enrolment_settings")
    offer_delay_days = models.PositiveSmallIntegerField(
        _("délai pour une place proposée (jours)"),
        default=DEFAULT_OFFER_DELAY_DAYS,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
        help_text=_(
            "Une place proposée à une famille de la liste d'attente lui est gardée ce nombre de jours ; "
            "ensuite elle passe à la famille suivante."
        ),
    )

    objects = EnrolmentSettingsQuerySet.as_manager()

    class Meta:
        verbose_name = _("réglages des demandes en ligne")

    def __str__(self):
        return f"Réglages — {self.centre}"

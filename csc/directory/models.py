"""The network's directory of structures and the services they offer: France Services, CCAS, libraries,
the network's own centres… Kept by the staff of the network's centres, read by the kiosk (« Besoin
d'aide ? »), and later by the parenting compass, the social workers' referrals and the centres' sites:
it lives below the modules so that each of them can use it without depending on another.

One directory per federation: every centre of the federation reads the same entries and adds its own.
An entry is changed only by its owner (`owner_id`): the centre it represents, else the centre that keeps
it; an entry owned by no centre is kept by the federation's staff. Other centres propose a `Correction`
that the owner accepts or refuses (csc/directory/corrections.py).
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from csc.core.audit import ChangeTrackingMixin, audited
from csc.core.validators import validate_postcode


class ServiceCategory(models.Model):
    """What a structure helps with: « Aide aux démarches en ligne », « Accès aux droits »… A short list
    shared by the whole platform (migration 0002 writes it), so that every module filters on the same
    words."""

    slug = models.SlugField(max_length=50, unique=True)
    label = models.CharField(max_length=100)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "label"]
        verbose_name = "catégorie de service"
        verbose_name_plural = "catégories de service"

    def __str__(self):
        return self.label


class StructureQuerySet(models.QuerySet):
    def of_federation(self, federation_id: int):
        return self.filter(federation_id=federation_id)

    def listed(self):
        """What residents and colleagues are shown: the entries not withdrawn."""
        return self.filter(is_active=True)


def owned_by_q(centre_id: int | None, prefix: str = "") -> Q:
    """The entries a centre owns (its own entry, and those it keeps), or with None those no centre
    owns. `prefix` reaches the entry through a relation ("structure__")."""
    if centre_id is None:
        return Q(**{f"{prefix}centre__isnull": True, f"{prefix}kept_by__isnull": True})
    return Q(**{f"{prefix}centre_id": centre_id}) | Q(
        **{f"{prefix}centre__isnull": True, f"{prefix}kept_by_id": centre_id}
    )


@audited(centre_of=lambda s: s.owner_id)
class Structure(ChangeTrackingMixin, models.Model):
    class Kind(models.TextChoices):
        FRANCE_SERVICES = "france_services", "France Services"
        CCAS = "ccas", "CCAS (centre communal d'action sociale)"
        LIBRARY = "mediatheque", "Médiathèque, bibliothèque"
        SOCIAL_CENTRE = "centre_social", "Centre social"
        TOWN_HALL = "mairie", "Mairie, mairie de quartier"
        BENEFITS_OFFICE = "organisme", "Accueil d'un organisme (CAF, CPAM, France Travail…)"
        ASSOCIATION = "association", "Association"
        OTHER = "autre", "Autre"

    federation = models.ForeignKey("core.Federation", on_delete=models.PROTECT, related_name="structures")
    # When the structure is one of the network's centres: its own entry, found by the kiosk for its
    # reception hours.
    centre = models.OneToOneField(
        "core.Centre", on_delete=models.CASCADE, null=True, blank=True, related_name="directory_entry"
    )
    # The centre that owns the entry: the only one that changes or withdraws it (services.check_keeper).
    # Set to the centre that adds an entry; a centre's own entry is always owned by that centre (see
    # `owner_id`). None: the entry belongs to the whole network and the federation's staff keep it.
    kept_by = models.ForeignKey(
        "core.Centre", on_delete=models.SET_NULL, null=True, blank=True, related_name="kept_structures"
    )
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.OTHER)
    description = models.TextField(blank=True, max_length=1000)
    categories = models.ManyToManyField(ServiceCategory, blank=True, related_name="structures")
    address = models.CharField(max_length=200, blank=True)
    postcode = models.CharField(max_length=5, blank=True, validators=[validate_postcode])
    city = models.CharField(max_length=100)
    latitude = models.DecimalField(
        max_digits=8,
        decimal_places=5,
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.DecimalField(
        max_digits=8,
        decimal_places=5,
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    phone = models.CharField(max_length=20, blank=True)  # E.164, see csc.core.validators
    email = models.EmailField(blank=True)
    website = models.URLField(blank=True, max_length=300)  # https only: services.check_website
    # Per weekday (0 = Monday), the opening intervals as ["09:00", "12:00"] pairs: see services.py.
    hours = models.JSONField(default=list, blank=True)
    # « Fermé en août », « Sur rendez-vous le jeudi »
    hours_note = models.CharField(max_length=200, blank=True)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = StructureQuerySet.as_manager()

    class Meta:
        ordering = ["name", "id"]
        indexes = [models.Index(fields=["federation", "is_active", "name"], name="structure_listed")]

    def __str__(self):
        return self.name

    @property
    def has_position(self) -> bool:
        return self.latitude is not None and self.longitude is not None

    @property
    def owner_id(self) -> int | None:
        """The centre that owns the entry. A centre's own entry feeds its kiosk (hours, phone): it is
        that centre's whatever `kept_by` says, so that no other centre can ever change it."""
        return self.centre_id or self.kept_by_id

    @property
    def owner(self):
        return self.centre if self.centre_id else self.kept_by


class CorrectionQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(status=Correction.Status.PENDING)


class Correction(models.Model):
    """A change of an entry proposed by a centre that does not own it: the fields it would change, each
    with its value when the proposal was made (`old`) and the value proposed (`new`). The owner accepts
    it (the new values are applied, unless the entry has changed since: then the owner reviews first)
    or refuses it with a reason the proposing centre reads."""

    class Status(models.TextChoices):
        PENDING = "en_attente", "En attente"
        ACCEPTED = "acceptee", "Acceptée"
        REFUSED = "refusee", "Refusée"

    structure = models.ForeignKey(Structure, on_delete=models.CASCADE, related_name="corrections")
    proposed_by = models.ForeignKey(
        "core.Centre", on_delete=models.CASCADE, related_name="directory_corrections"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    # {field: {"old": value, "new": value}}, values as corrections.entry_values() writes them.
    changes = models.JSONField(default=dict)
    comment = models.TextField(blank=True, max_length=1000)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PENDING)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Why the owner refused, for the centre that proposed.
    reason = models.CharField(max_length=500, blank=True)

    objects = CorrectionQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["structure", "status"], name="correction_of_structure")]

    def __str__(self):
        return f"Correction de « {self.structure} » proposée par {self.proposed_by}"

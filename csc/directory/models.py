"""The network's directory of structures and the services they offer: France Services, CCAS, libraries,
the network's own centres… Kept by the staff of the network's centres, read by the kiosk (« Besoin
d'aide ? »), and later by the parenting compass, the social workers' referrals and the centres' sites:
it lives below the modules so that each of them can use it without depending on another.

One directory per federation: every centre of the federation reads and completes the same entries.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

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


@audited(centre_of=lambda s: s.kept_by_id)
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
    # The centre whose team added the entry and answers for it (any centre of the federation may edit).
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

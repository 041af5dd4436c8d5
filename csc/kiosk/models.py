"""The e-administration kiosk (« Le numérique à mon service »): the network's catalogue of online public
services, each centre's kiosk (its tiles, welcome text, idle time), the help sheets per procedure, the
anonymous usage counts, and the reception's log of assisted procedures with its CAF report.

Nothing here names a resident, except an assisted procedure that the person agreed to link to their
file. The kiosk's own counts hold no address, no identifier, no cookie: a row says « a click on CAF at
10:42 in this centre », nothing more.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from csc.core.audit import ChangeTrackingMixin, audited

# --- The network's catalogue ------------------------------------------------------------------------


class Theme(models.Model):
    """A group of tiles on the kiosk: « Famille et allocations », « Santé »… From procedures.json."""

    slug = models.SlugField(max_length=50, unique=True)
    label = models.CharField(max_length=100)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "label"]
        verbose_name = "thème"

    def __str__(self):
        return self.label


class Procedure(models.Model):
    """A national online public service of the catalogue (`manage.py load_procedures` keeps it in line
    with procedures.json). Centres pick from it; a procedure gone from the file is retired, not deleted,
    so that past counts keep their name."""

    slug = models.SlugField(max_length=60, unique=True)
    theme = models.ForeignKey(Theme, on_delete=models.PROTECT, related_name="procedures")
    title = models.CharField(max_length=200)
    url = models.URLField(max_length=300)
    # The words residents use, old names included: « Pôle emploi » finds France Travail.
    keywords = models.JSONField(default=list, blank=True)
    position = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["theme__position", "position", "title"]
        verbose_name = "démarche du catalogue"
        verbose_name_plural = "démarches du catalogue"

    def __str__(self):
        return self.title


# --- Each centre's kiosk ----------------------------------------------------------------------------

DEFAULT_WELCOME = (
    "Bienvenue ! Touchez un service public pour l'ouvrir. "
    "Si vous êtes bloqué(e), l'accueil du centre est là pour vous aider."
)


@audited()
class Kiosk(ChangeTrackingMixin, models.Model):
    """The settings of a centre's kiosk. Its opening hours are those of the centre's own entry in the
    directory of structures, so that the kiosk, the directory and the other modules never disagree."""

    centre = models.OneToOneField("core.Centre", on_delete=models.CASCADE, related_name="kiosk")
    welcome_text = models.TextField(max_length=500, default=DEFAULT_WELCOME)
    idle_minutes = models.PositiveSmallIntegerField(
        default=3, validators=[MinValueValidator(1), MaxValueValidator(60)]
    )
    # Raised by every change of the kiosk or of its tiles: the home page's cache key.
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = "borne"

    def __str__(self):
        return f"Borne de {self.centre}"


@audited()
class Tile(ChangeTrackingMixin, models.Model):
    """A tile of a centre's kiosk: a procedure of the catalogue, or a local link the referent added
    (the town hall's school canteen, the centre's own site). Tiles are hidden, never deleted: the
    counts of past clicks keep pointing at them."""

    centre = models.ForeignKey("core.Centre", on_delete=models.CASCADE, related_name="kiosk_tiles")
    procedure = models.ForeignKey(
        Procedure, on_delete=models.PROTECT, null=True, blank=True, related_name="tiles"
    )
    theme = models.ForeignKey(Theme, on_delete=models.PROTECT, related_name="tiles")
    # A local link's own words; a catalogue tile reads its procedure's, and the words the centre's
    # referent added from its searches without result (this centre's kiosk only).
    title = models.CharField(max_length=120, blank=True)
    url = models.URLField(max_length=300, blank=True)
    keywords = models.CharField(max_length=300, blank=True)
    position = models.PositiveIntegerField(default=0)
    is_hidden = models.BooleanField(default=False)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["centre", "procedure"],
                condition=models.Q(procedure__isnull=False),
                name="tile_procedure_once_per_centre",
            ),
            models.CheckConstraint(
                condition=models.Q(procedure__isnull=False) | (~models.Q(title="") & ~models.Q(url="")),
                name="tile_local_link_complete",
            ),
        ]

    def __str__(self):
        return self.label

    @property
    def is_local(self) -> bool:
        return self.procedure_id is None

    @property
    def label(self) -> str:
        return self.title if self.is_local else self.procedure.title

    @property
    def link(self) -> str:
        return self.url if self.is_local else self.procedure.url

    @property
    def words(self) -> list[str]:
        """What a resident may type to find this tile, besides its title."""
        own = [word.strip() for word in self.keywords.split(",") if word.strip()]
        if self.is_local:
            return own
        return list(self.procedure.keywords or []) + own


# --- Help sheets ------------------------------------------------------------------------------------


@audited()
class HelpSheet(ChangeTrackingMixin, models.Model):
    """A plain-language sheet for one procedure: what to bring, the identifiers needed, the steps.
    Markdown, rendered sanitised. Written by a centre and offered to the network; a centre adapts its
    own copy rather than changing another's."""

    centre = models.ForeignKey("core.Centre", on_delete=models.CASCADE, related_name="help_sheets")
    procedure = models.ForeignKey(Procedure, on_delete=models.PROTECT, related_name="help_sheets")
    title = models.CharField(max_length=150)
    summary = models.CharField(max_length=300, blank=True)
    to_bring = models.TextField(max_length=3000, blank=True)
    identifiers = models.TextField(max_length=3000, blank=True)
    steps = models.TextField(max_length=6000, blank=True)
    is_shared = models.BooleanField(default=True)
    copied_from = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="copies"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["procedure__title", "-updated_at", "id"]
        verbose_name = "fiche d'aide"
        verbose_name_plural = "fiches d'aide"

    def __str__(self):
        return self.title


# --- Anonymous counts -------------------------------------------------------------------------------


class KioskEvent(models.Model):
    """One thing that happened on a kiosk. No address, no identifier, the server's clock: a forged
    event can only add a count, never rewrite the past or point at another centre's tile."""

    class Kind(models.IntegerChoices):
        VISIT = 1, "Visite"
        CLICK = 2, "Clic sur une démarche"
        SEARCH = 3, "Recherche"
        END = 4, "Fin de session"

    # No index of its own: kiosk_event_centre_at starts with the centre (one index less to update on
    # the platform's busiest insert).
    centre = models.ForeignKey("core.Centre", on_delete=models.CASCADE, related_name="+", db_index=False)
    kind = models.PositiveSmallIntegerField(choices=Kind.choices)
    tile = models.ForeignKey(Tile, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    # A search's words, cleaned of numbers (see services.clean_search); the number of tiles found.
    query = models.CharField(max_length=100, blank=True)
    results = models.PositiveSmallIntegerField(null=True, blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["centre", "at"], name="kiosk_event_centre_at")]

    def __str__(self):
        return f"{self.get_kind_display()} ({self.at:%d/%m/%Y %H:%M})"


class SurveyAnswer(models.Model):
    """The optional three questions at the end of a visit. Anonymous: no link to the visit's events."""

    class Outcome(models.TextChoices):
        ALONE = "alone", "Oui, tout(e) seul(e)"
        HELPED = "helped", "Oui, avec de l'aide"
        NOT_DONE = "no", "Non"

    class AgeBand(models.TextChoices):
        UNDER_26 = "-26", "Moins de 26 ans"
        FROM_26 = "26-59", "De 26 à 59 ans"
        FROM_60 = "60+", "60 ans et plus"

    centre = models.ForeignKey("core.Centre", on_delete=models.CASCADE, related_name="+")
    outcome = models.CharField(max_length=10, choices=Outcome.choices, blank=True)
    organisation = models.CharField(max_length=20, blank=True)  # Organisation below
    age_band = models.CharField(max_length=10, choices=AgeBand.choices, blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["centre", "at"], name="kiosk_survey_centre_at")]

    def __str__(self):
        return f"Réponse du {self.at:%d/%m/%Y %H:%M}"


# --- The reception's help log -----------------------------------------------------------------------


class Organisation(models.TextChoices):
    """The organisations the CAF report counts, in the order the reception meets them."""

    CAF = "caf", "CAF"
    CPAM = "cpam", "Assurance maladie (CPAM, Ameli)"
    TAXES = "impots", "Impôts"
    EMPLOYMENT = "france_travail", "France Travail"
    TITLES = "ants", "Papiers (ANTS, préfecture)"
    PENSION = "retraite", "Retraite (Carsat, Assurance retraite)"
    MSA = "msa", "MSA"
    HOUSING = "logement", "Logement, énergie"
    TOWN = "mairie", "Mairie"
    OTHER = "autre", "Autre organisme"


@audited(person_of=lambda record: record.person_id)
class AssistedProcedure(ChangeTrackingMixin, models.Model):
    """A procedure the reception helped with, recorded in a few clicks. Anonymous unless the person
    agreed to have it in their file."""

    class Kind(models.TextChoices):
        ACCOUNT = "compte", "Créer un compte, retrouver un mot de passe"
        DECLARATION = "declaration", "Déclaration (ressources, situation, revenus)"
        CLAIM = "demande", "Demande d'aide ou de prestation"
        DOCUMENT = "document", "Attestation, document à télécharger"
        FOLLOW_UP = "suivi", "Suivre un dossier, une réclamation"
        APPOINTMENT = "rendez_vous", "Prendre rendez-vous"
        OTHER = "autre", "Autre démarche"

    class Autonomy(models.TextChoices):
        # « Faire avec plutôt que faire à la place »: the order says which is hoped for.
        ALONE = "alone", "La personne a fait seule, avec un conseil"
        WITH = "with", "Fait avec la personne"
        FOR = "for", "Fait pour la personne"

    class Duration(models.TextChoices):
        UNDER_10 = "0-10", "Moins de 10 min"
        UNDER_30 = "10-30", "10 à 30 min"
        UNDER_60 = "30-60", "30 min à 1 h"
        LONGER = "60+", "Plus d'1 h"

    class Referral(models.TextChoices):
        COMPLEX = "complexe", "Situation complexe, il faut un conseiller"
        APPOINTMENT = "rendez_vous", "Rendez-vous sur place nécessaire"
        MISSING = "piece", "Pièce ou information manquante"
        NOT_ONLINE = "hors_ligne", "Démarche impossible en ligne"
        BLOCKED = "bloque", "Compte bloqué, problème technique"
        OTHER = "autre", "Autre raison"

    centre = models.ForeignKey("core.Centre", on_delete=models.CASCADE, related_name="assisted_procedures")
    day = models.DateField(default=timezone.localdate)
    recorded_at = models.DateTimeField(auto_now_add=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    organisation = models.CharField(max_length=20, choices=Organisation.choices)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    autonomy = models.CharField(max_length=10, choices=Autonomy.choices)
    duration = models.CharField(max_length=10, choices=Duration.choices)
    # The CAF counts « aides à l'utilisation de l'outil informatique » apart.
    computer_help = models.BooleanField(default=False)
    referral_reason = models.CharField(max_length=20, choices=Referral.choices, blank=True)
    person = models.ForeignKey(
        "people.Person", on_delete=models.SET_NULL, null=True, blank=True, related_name="assisted_procedures"
    )
    consent = models.BooleanField(default=False)

    class Meta:
        ordering = ["-day", "-recorded_at", "-id"]
        verbose_name = "aide aux démarches en ligne"
        verbose_name_plural = "aides aux démarches en ligne"
        indexes = [models.Index(fields=["centre", "day"], name="assisted_centre_day")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(person__isnull=True) | models.Q(consent=True),
                name="assisted_person_only_with_consent",
            )
        ]

    def __str__(self):
        return f"{self.get_organisation_display()} — {self.get_kind_display()}"

    @property
    def is_referred(self) -> bool:
        return bool(self.referral_reason)

from datetime import date
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from csc.core.audit import ChangeTrackingMixin, audited
from csc.core.models import Centre
from csc.core.tenancy import centres_with
from csc.core.text import normalize

from .capabilities import PEOPLE_VIEW


def _shared_ids(user, capability: str, kind: str) -> list[int]:
    """Ids of the households (or their members) shared with the user's centres, cached for the request.

    Fetched first, as a short list, rather than joined in an OR: an EXISTS inside the OR keeps
    PostgreSQL from using the centre index, and a name search then scans the whole country.
    """
    cache = user.__dict__.setdefault("_csc_shared_ids", {})
    key = (kind, capability)
    if key not in cache:
        centre_ids = centres_with(user, capability)
        shares = HouseholdShare.objects.filter(centre_id__in=centre_ids)
        if kind == "household":
            cache[key] = list(shares.values_list("household_id", flat=True))
        else:
            cache[key] = list(
                HouseholdMember.objects.filter(household__in=shares.values("household_id")).values_list(
                    "person_id", flat=True
                )
            )
    return cache[key]


class HouseholdQuerySet(models.QuerySet):
    def visible_to(self, user, capability: str = PEOPLE_VIEW):
        """Households of the user's centres, plus those another centre explicitly shared with them."""
        centre_ids = centres_with(user, capability)
        shared_ids = _shared_ids(user, capability, "household")
        return self.filter(Q(centre_id__in=centre_ids) | Q(pk__in=shared_ids))


class PersonQuerySet(models.QuerySet):
    def visible_to(self, user, capability: str = PEOPLE_VIEW):
        """People of the user's centres, plus the members of households shared with those centres."""
        centre_ids = centres_with(user, capability)
        shared_ids = _shared_ids(user, capability, "person")
        return self.filter(Q(centre_id__in=centre_ids) | Q(pk__in=shared_ids))

    def active(self):
        return self.filter(anonymised_at__isnull=True)


# The highest family quotient anyone may type — a household's, a request's, a tariff grid's bracket
# bound — checked by the forms and by the API through them. A CAF quotient is a monthly amount in euros
# (a twelfth of the year's income plus the month's benefits, divided by the household's shares): real
# ones run from 0 to a few thousand, and centres' grids stop near 2,000 €. Above 10,000 € it is a typing
# slip, most often a comma dropped (« 65000 » for 650,00), which 100,000 let through; a true quotient that
# high would fall in the top bracket anyway, like a household that gives none, so refusing it costs no one
# a fee. (It was 10,000 € for households and 100,000 € for grids' brackets.)
MAX_FAMILY_QUOTIENT = Decimal("10000")
FAMILY_QUOTIENT_TOO_HIGH = (
    f"Ce quotient familial dépasse {int(MAX_FAMILY_QUOTIENT):_} € : vérifiez le montant.".replace("_", " ")
)


class BenefitsRegime(models.TextChoices):
    """Who pays the family's benefits: many grids have a column per regime."""

    CAF = "caf", _("CAF (régime général)")
    MSA = "msa", _("MSA (régime agricole)")
    OTHER = "autre", _("Autre régime")
    NONE = "aucun", _("Aucun")


@audited()
class Household(ChangeTrackingMixin, models.Model):
    """A foyer. It belongs to the centre that created it; other centres see it only once shared."""

    class QuotientSource(models.TextChoices):
        CAF = "caf", _("Attestation CAF")
        MSA = "msa", _("Attestation MSA")
        TAX_NOTICE = "avis_imposition", _("Avis d'imposition")
        DECLARED = "declaratif", _("Déclaré par la famille")

    centre = models.ForeignKey(Centre, on_delete=models.PROTECT, related_name="households")
    name = models.CharField(_("nom du foyer"), max_length=200, help_text=_("Par exemple « Famille Martin »."))
    address = models.CharField(_("adresse"), max_length=255, blank=True)
    postcode = models.CharField(_("code postal"), max_length=10, blank=True)
    city = models.CharField(_("commune"), max_length=120, blank=True)
    in_qpv = models.BooleanField(_("habite en quartier prioritaire (QPV)"), default=False)
    family_quotient = models.DecimalField(
        _("quotient familial (€)"),
        max_digits=7,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Sert à calculer les tarifs. Sans quotient, le tarif le plus haut s'applique."),
    )
    family_quotient_date = models.DateField(_("date du quotient familial"), null=True, blank=True)
    family_quotient_source = models.CharField(
        _("justificatif du quotient"), max_length=20, choices=QuotientSource.choices, blank=True
    )
    benefits_number = models.CharField(_("numéro d'allocataire (facultatif)"), max_length=20, blank=True)
    benefits_regime = models.CharField(
        _("régime d'allocations"), max_length=20, choices=BenefitsRegime.choices, blank=True
    )
    social_rate_until = models.DateField(
        _("tarif social (CCAS) accordé jusqu'au"),
        null=True,
        blank=True,
        help_text=_("Vide : pas de tarif social. La date est celle de la décision du CCAS."),
    )
    works_in_city = models.CharField(
        _("commune où travaille un parent"),
        max_length=120,
        blank=True,
        help_text=_("Certaines communes font payer le tarif habitant aux familles qui y travaillent."),
    )
    dependent_children = models.PositiveSmallIntegerField(
        _("nombre d'enfants à charge"),
        null=True,
        blank=True,
        help_text=_("Vide : on compte les enfants du foyer. Sert à la règle des familles nombreuses."),
    )
    notes = models.TextField(_("remarques"), blank=True)
    # The name and address as the household search compares them (csc.core.text.normalize), kept by
    # save() like Person.search_name; a bulk insert fills it with `household_search_text`.
    search_text = models.CharField(max_length=520, editable=False, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = HouseholdQuerySet.as_manager()

    class Meta:
        verbose_name = _("foyer")
        ordering = ["name", "id"]
        indexes = [models.Index(fields=["centre", "name"])]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.search_text = household_search_text(self.name, self.address, self.postcode, self.city)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = set(update_fields) | {"search_text"}
        super().save(*args, **kwargs)

    def has_social_rate(self, on: date) -> bool:
        return self.social_rate_until is not None and on <= self.social_rate_until


@audited(person_of=lambda p: p.pk)
class Person(ChangeTrackingMixin, models.Model):
    class Sex(models.TextChoices):
        FEMALE = "F", _("Femme")
        MALE = "M", _("Homme")
        UNSPECIFIED = "X", _("Non précisé")

    centre = models.ForeignKey(Centre, on_delete=models.PROTECT, related_name="people")
    last_name = models.CharField(_("nom"), max_length=150)
    first_name = models.CharField(_("prénom"), max_length=150)
    birth_date = models.DateField(_("date de naissance"), null=True, blank=True)
    sex = models.CharField(_("sexe"), max_length=1, choices=Sex.choices, default=Sex.UNSPECIFIED)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("téléphone"), max_length=20, blank=True)
    address = models.CharField(_("adresse"), max_length=255, blank=True)
    postcode = models.CharField(_("code postal"), max_length=10, blank=True)
    city = models.CharField(_("commune"), max_length=120, blank=True)
    in_qpv = models.BooleanField(_("habite en quartier prioritaire (QPV)"), default=False)
    contact_by_sms = models.BooleanField(_("accepte d'être contacté(e) par SMS"), default=False)
    contact_by_email = models.BooleanField(_("accepte d'être contacté(e) par e-mail"), default=False)
    households = models.ManyToManyField(
        Household, through="HouseholdMember", related_name="people", blank=True
    )
    search_name = models.CharField(max_length=320, editable=False, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Moves forward whenever the centre deals with the person; the retention period runs from it.
    last_activity_at = models.DateTimeField(default=timezone.now)
    anonymised_at = models.DateTimeField(null=True, blank=True)

    objects = PersonQuerySet.as_manager()

    class Meta:
        verbose_name = _("personne")
        ordering = ["last_name", "first_name", "id"]
        indexes = [models.Index(fields=["centre", "search_name"])]

    def __str__(self):
        return f"{self.first_name} {self.last_name}".strip()

    def save(self, *args, **kwargs):
        self.search_name = normalize(f"{self.last_name} {self.first_name}")
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = set(update_fields) | {"search_name"}
        super().save(*args, **kwargs)

    @property
    def age(self) -> int | None:
        return age_on(self.birth_date, timezone.localdate())

    @property
    def is_anonymised(self) -> bool:
        return self.anonymised_at is not None


def age_on(birth_date: date | None, when: date) -> int | None:
    if birth_date is None:
        return None
    return when.year - birth_date.year - ((when.month, when.day) < (birth_date.month, birth_date.day))


def household_search_text(name: str, address: str, postcode: str, city: str) -> str:
    """What the household search compares: name, address, postcode and commune, normalised."""
    return normalize(f"{name} {address} {postcode} {city}")


class HouseholdMemberQuerySet(models.QuerySet):
    def visible_to(self, user, capability: str = PEOPLE_VIEW):
        """Memberships of the households the user may see: a share opens one household, not the others."""
        centre_ids = centres_with(user, capability)
        shared_ids = _shared_ids(user, capability, "household")
        return self.filter(Q(household__centre_id__in=centre_ids) | Q(household_id__in=shared_ids))


@audited(centre_of=lambda m: m.household.centre_id, person_of=lambda m: m.person_id)
class HouseholdMember(ChangeTrackingMixin, models.Model):
    class Relation(models.TextChoices):
        RESPONSIBLE = "responsable", _("Responsable du foyer")
        PARTNER = "conjoint", _("Conjoint(e)")
        CHILD = "enfant", _("Enfant")
        OTHER = "autre", _("Autre membre")

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="members")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="memberships")
    relation = models.CharField(_("lien dans le foyer"), max_length=20, choices=Relation.choices)

    objects = HouseholdMemberQuerySet.as_manager()

    class Meta:
        verbose_name = _("membre du foyer")
        constraints = [
            models.UniqueConstraint(fields=["household", "person"], name="household_member_unique"),
        ]

    def __str__(self):
        return f"{self.person} ({self.get_relation_display()})"


@audited(centre_of=lambda c: c.person.centre_id, person_of=lambda c: c.person_id)
class Consent(ChangeTrackingMixin, models.Model):
    """A consent given or refused, with its date. A new row for every change keeps the history."""

    class Kind(models.TextChoices):
        PHOTOS = "photos", _("Prise et diffusion de photos")
        COMMUNICATIONS = "communications", _("Recevoir les informations du centre")
        DATA_PROCESSING = "donnees", _("Utilisation des données pour le suivi")

    REASONS = {
        Kind.PHOTOS: _("Pour illustrer les activités sur nos supports, seulement avec votre accord."),
        Kind.COMMUNICATIONS: _("Pour vous prévenir des activités et des changements d'horaires."),
        Kind.DATA_PROCESSING: _("Pour vous inscrire aux activités et suivre vos démarches avec vous."),
    }

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="consents")
    kind = models.CharField(_("consentement"), max_length=20, choices=Kind.choices)
    granted = models.BooleanField(_("accordé"))
    decided_on = models.DateField(_("date"), default=timezone.localdate)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("consentement")
        ordering = ["-decided_on", "-id"]

    def __str__(self):
        return f"{self.get_kind_display()} : {'oui' if self.granted else 'non'}"


@audited(centre_of=lambda s: s.household.centre_id)
class HouseholdShare(ChangeTrackingMixin, models.Model):
    """An explicit decision to let another centre see a household and its members.

    Sharing is never implied by a shared name or address: a staff member of the owning centre grants it,
    with a reason, and can withdraw it.
    """

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="shares")
    centre = models.ForeignKey(Centre, on_delete=models.CASCADE, related_name="shared_households")
    reason = models.CharField(_("motif du partage"), max_length=255)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    granted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("partage de foyer")
        constraints = [models.UniqueConstraint(fields=["household", "centre"], name="household_share_unique")]

    def __str__(self):
        return f"{self.household} → {self.centre}"


class SeasonQuerySet(models.QuerySet):
    def visible_to(self, user, capability: str = PEOPLE_VIEW):
        return self.filter(centre_id__in=centres_with(user, capability))

    def current(self, on: date | None = None):
        on = on or timezone.localdate()
        return self.filter(starts_on__lte=on, ends_on__gte=on)


@audited()
class Season(ChangeTrackingMixin, models.Model):
    """A centre's year (usually September to August): memberships and activities belong to one."""

    class MembershipBasis(models.TextChoices):
        HOUSEHOLD = "foyer", _("Par foyer")
        PERSON = "personne", _("Par personne")

    centre = models.ForeignKey(Centre, on_delete=models.PROTECT, related_name="seasons")
    name = models.CharField(_("nom de la saison"), max_length=100, help_text=_("Par exemple « 2026-2027 »."))
    starts_on = models.DateField(_("début"))
    ends_on = models.DateField(_("fin"))
    membership_basis = models.CharField(
        _("l'adhésion se paie"),
        max_length=10,
        choices=MembershipBasis.choices,
        default=MembershipBasis.HOUSEHOLD,
    )

    objects = SeasonQuerySet.as_manager()

    class Meta:
        verbose_name = _("saison")
        ordering = ["-starts_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="season_dates_order"
            ),
        ]

    def __str__(self):
        return self.name


@audited(centre_of=lambda f: f.season.centre_id)
class MembershipFee(ChangeTrackingMixin, models.Model):
    """One row of a season's membership grid: the fee for a family-quotient bracket (whole euros)."""

    season = models.ForeignKey(Season, on_delete=models.CASCADE, related_name="membership_fees")
    lower = models.PositiveIntegerField(_("quotient de"))
    upper = models.PositiveIntegerField(_("quotient jusqu'à"), null=True, blank=True)
    amount = models.DecimalField(_("montant (€)"), max_digits=7, decimal_places=2)

    class Meta:
        verbose_name = _("tarif d'adhésion")
        ordering = ["lower", "id"]

    def __str__(self):
        return f"{self.lower}–{self.upper or '∞'} : {self.amount} €"


class MembershipQuerySet(models.QuerySet):
    def visible_to(self, user, capability: str = PEOPLE_VIEW):
        return self.filter(centre_id__in=centres_with(user, capability))

    def in_force(self):
        """Not cancelled: what counts as a member, in exports and figures."""
        return self.filter(cancelled_at__isnull=True)


@audited(person_of=lambda m: m.person_id)
class Membership(ChangeTrackingMixin, models.Model):
    """A household's (or a person's) membership of a centre for a season, with the fee that applied."""

    centre = models.ForeignKey(Centre, on_delete=models.PROTECT, related_name="memberships")
    season = models.ForeignKey(Season, on_delete=models.PROTECT, related_name="memberships")
    household = models.ForeignKey(
        Household, on_delete=models.CASCADE, related_name="centre_memberships", null=True, blank=True
    )
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="centre_memberships", null=True, blank=True
    )
    fee = models.DecimalField(_("montant de l'adhésion (€)"), max_digits=7, decimal_places=2)
    family_quotient = models.DecimalField(
        _("quotient appliqué (€)"), max_digits=7, decimal_places=2, null=True, blank=True
    )
    bracket_label = models.CharField(_("tranche appliquée"), max_length=60, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # A cancelled membership stays, with who cancelled it and why: the fee may have been paid back.
    cancelled_at = models.DateTimeField(_("annulée le"), null=True, blank=True)
    cancel_reason = models.CharField(_("motif d'annulation"), max_length=200, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("adhésion")
        ordering = ["-created_at", "-id"]
        constraints = [
            # Once per season among the memberships in force: a cancelled one may be taken again.
            models.UniqueConstraint(
                fields=["season", "household"],
                condition=Q(cancelled_at__isnull=True),
                name="membership_household_once_per_season",
            ),
            models.UniqueConstraint(
                fields=["season", "person"],
                condition=Q(cancelled_at__isnull=True),
                name="membership_person_once_per_season",
            ),
            models.CheckConstraint(
                condition=Q(household__isnull=False) | Q(person__isnull=False), name="membership_has_member"
            ),
        ]

    def __str__(self):
        return f"{self.household or self.person} — {self.season}"

    @property
    def is_cancelled(self) -> bool:
        return self.cancelled_at is not None

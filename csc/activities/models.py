"""Activities of a centre and who takes part in them.

For the online pre-registration issue: leisure-centre activities (accueils de loisirs) with their age
groups, units (day, half-day, meal), periods made of days, capacity per group and day, tariff grids by
family-quotient bracket, and the registrations with their booked units (Noethys's "consommations").
The attendance and planning modules build on the same Activity.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from csc.core.audit import ChangeTrackingMixin, audited
from csc.core.models import Centre
from csc.core.money import Bracket
from csc.core.tenancy import centres_with
from csc.people.models import Household, Person, Season

from .capabilities import ACTIVITIES_VIEW


class CentreOwnedQuerySet(models.QuerySet):
    centre_path = "centre_id"

    def visible_to(self, user, capability: str = ACTIVITIES_VIEW):
        return self.filter(**{f"{self.centre_path}__in": centres_with(user, capability)})


class ActivityQuerySet(CentreOwnedQuerySet):
    pass


@audited()
class Activity(ChangeTrackingMixin, models.Model):
    class Kind(models.TextChoices):
        LEISURE_CENTRE = "accueil_loisirs", _("Accueil de loisirs")
        WORKSHOP = "atelier", _("Atelier")
        TOY_LIBRARY = "ludotheque", _("Ludothèque")
        FABLAB = "fablab", _("Fablab")
        DROP_IN = "permanence", _("Permanence")
        OUTING = "sortie", _("Sortie")
        EVENT = "evenement", _("Événement")

    centre = models.ForeignKey(Centre, on_delete=models.PROTECT, related_name="activities")
    season = models.ForeignKey(
        Season, on_delete=models.PROTECT, related_name="activities", null=True, blank=True
    )
    name = models.CharField(_("nom"), max_length=200)
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices, default=Kind.LEISURE_CENTRE)
    description = models.TextField(_("présentation pour les familles"), blank=True)
    age_reference_date = models.DateField(
        _("âge calculé au"),
        null=True,
        blank=True,
        help_text=_(
            "Date à laquelle on calcule l'âge des enfants pour les groupes. Vide : le premier jour "
            "de la période."
        ),
    )
    counts_only = models.BooleanField(
        _("accueil libre : compter sans noter les noms"),
        default=False,
        help_text=_(
            "Pour une ludothèque ou une permanence : on compte les adultes et les enfants venus, "
            "sans liste de participants."
        ),
    )
    resident_communes = models.TextField(
        _("communes au tarif habitant"),
        blank=True,
        help_text=_("Une commune par ligne. Les familles d'ailleurs paient le tarif extérieur, s'il existe."),
    )
    resident_commune_lists = models.ManyToManyField(
        "CommuneList",
        blank=True,
        related_name="activities",
        verbose_name=_("listes de communes au tarif habitant"),
        help_text=_("Par exemple les communes de la communauté de communes."),
    )
    workers_count_as_residents = models.BooleanField(
        _("habiter ou travailler dans la commune"),
        default=False,
        help_text=_(
            "Coché : une famille dont un parent travaille dans une de ces communes paie le tarif habitant."
        ),
    )

    objects = ActivityQuerySet.as_manager()

    class Meta:
        verbose_name = _("activité")
        verbose_name_plural = _("activités")
        ordering = ["name", "id"]

    def __str__(self):
        return self.name

    @property
    def resident_commune_list(self) -> list[str]:
        """The activity's own communes; the lists it uses are added by the tariffs (one query)."""
        return [line.strip() for line in self.resident_communes.splitlines() if line.strip()]


class CommuneListQuerySet(CentreOwnedQuerySet):
    pass


@audited()
class CommuneList(ChangeTrackingMixin, models.Model):
    """A named list of communes a centre reuses across activities (« Communauté de communes du … »)."""

    centre = models.ForeignKey(Centre, on_delete=models.CASCADE, related_name="commune_lists")
    name = models.CharField(_("nom de la liste"), max_length=150)
    communes = models.TextField(_("communes"), help_text=_("Une commune par ligne."))

    objects = CommuneListQuerySet.as_manager()

    class Meta:
        verbose_name = _("liste de communes")
        ordering = ["name", "id"]

    def __str__(self):
        return self.name

    @property
    def commune_list(self) -> list[str]:
        return [line.strip() for line in self.communes.splitlines() if line.strip()]


class GroupQuerySet(CentreOwnedQuerySet):
    centre_path = "activity__centre_id"


@audited(centre_of=lambda g: g.activity.centre_id)
class Group(ChangeTrackingMixin, models.Model):
    """An age group of a leisure centre (« 3-5 ans »), with its usual number of places per day."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="groups")
    name = models.CharField(_("nom du groupe"), max_length=100)
    min_age = models.PositiveSmallIntegerField(_("âge minimum (ans)"))
    max_age = models.PositiveSmallIntegerField(_("âge maximum (ans)"))
    capacity = models.PositiveIntegerField(_("places par jour"))

    objects = GroupQuerySet.as_manager()

    class Meta:
        verbose_name = _("groupe")
        ordering = ["min_age", "name", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(max_age__gte=F("min_age")), name="group_ages_order"),
        ]

    def __str__(self):
        return self.name

    def accepts_age(self, age: int) -> bool:
        return self.min_age <= age <= self.max_age


@audited(centre_of=lambda u: u.activity.centre_id)
class Unit(ChangeTrackingMixin, models.Model):
    """What a family books on a day: a day, a half-day, a meal (Noethys's "unités de consommation")."""

    class Kind(models.TextChoices):
        DAY = "journee", _("Journée")
        HALF_DAY = "demi_journee", _("Demi-journée")
        MEAL = "repas", _("Repas")

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="units")
    name = models.CharField(_("nom"), max_length=100, help_text=_("Par exemple « Journée avec repas »."))
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices)
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)
    groups = models.ManyToManyField(
        "Group",
        blank=True,
        related_name="units_offered",
        verbose_name=_("réservée aux groupes"),
        help_text=_("Vide : tous les groupes. Par exemple une sortie réservée aux ados."),
    )
    price_rises_with_quotient = models.BooleanField(
        _("le prix monte avec le quotient"),
        default=True,
        help_text=_(
            "Décochez seulement si votre grille publiée fait baisser ce prix quand le quotient monte "
            "(certains repas)."
        ),
    )

    class Meta:
        verbose_name = _("unité")
        ordering = ["position", "id"]

    def __str__(self):
        return self.name

    @property
    def takes_place(self) -> bool:
        """A meal comes with a presence; it does not take a place of its own."""
        return self.kind != self.Kind.MEAL


class PeriodQuerySet(CentreOwnedQuerySet):
    centre_path = "activity__centre_id"


@audited(centre_of=lambda p: p.activity.centre_id)
class Period(ChangeTrackingMixin, models.Model):
    """The Wednesdays of a term, or one school holiday: the days families choose from."""

    class Kind(models.TextChoices):
        WEDNESDAYS = "mercredis", _("Mercredis")
        HOLIDAYS = "vacances", _("Vacances scolaires")
        OTHER = "autre", _("Autre")

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="periods")
    name = models.CharField(_("nom"), max_length=150, help_text=_("Par exemple « Vacances d'hiver 2027 »."))
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices, default=Kind.HOLIDAYS)
    registration_opens_on = models.DateField(_("inscriptions en ligne à partir du"))
    registration_closes_on = models.DateField(_("inscriptions en ligne jusqu'au"))

    objects = PeriodQuerySet.as_manager()

    class Meta:
        verbose_name = _("période")
        ordering = ["registration_opens_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(registration_closes_on__gte=F("registration_opens_on")),
                name="period_registration_dates_order",
            ),
        ]

    def __str__(self):
        return self.name

    def is_open_on(self, day) -> bool:
        return self.registration_opens_on <= day <= self.registration_closes_on


@audited(centre_of=lambda d: d.period.activity.centre_id)
class PeriodDay(ChangeTrackingMixin, models.Model):
    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="days")
    date = models.DateField(_("jour"))

    class Meta:
        verbose_name = _("jour d'ouverture")
        ordering = ["date", "id"]
        constraints = [models.UniqueConstraint(fields=["period", "date"], name="period_day_unique")]

    def __str__(self):
        return self.date.strftime("%d/%m/%Y")


class GroupDay(models.Model):
    """The places of one group on one day, and how many are held.

    `held` counts the children holding a place: requests being processed, offered places and
    registrations. It only changes in `capacity.py`, under a row lock, and the database refuses a
    `held` above `capacity`: overbooking is impossible even if a bug slipped into a service.
    """

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="group_days")
    day = models.ForeignKey(PeriodDay, on_delete=models.CASCADE, related_name="group_days")
    capacity = models.PositiveIntegerField(_("places"))
    held = models.PositiveIntegerField(_("places prises"), default=0)

    class Meta:
        verbose_name = _("places d'un groupe sur un jour")
        constraints = [
            models.UniqueConstraint(fields=["group", "day"], name="group_day_unique"),
            models.CheckConstraint(condition=Q(held__lte=F("capacity")), name="group_day_not_overbooked"),
        ]

    def __str__(self):
        return f"{self.group_id}/{self.day_id} : {self.held}/{self.capacity}"

    @property
    def free(self) -> int:
        return self.capacity - self.held


@audited(centre_of=lambda g: g.activity.centre_id)
class TariffGrid(ChangeTrackingMixin, models.Model):
    """The prices of an activity: QF brackets × units × price columns, for all its groups or for one.

    A grid for a group (an age band) takes precedence over the activity's general grid. How a cell
    gives a price is the grid's `method`; the rules around it (columns, child rank, large families, the
    daily cap) are the grid's fields. csc.activities.tariffs computes the fee from them.
    """

    class Method(models.TextChoices):
        BRACKETS = "tranches", _("Un prix par tranche de quotient")
        EFFORT_RATE = "taux_effort", _("Taux d'effort : quotient × taux, avec un plancher et un plafond")
        LINEAR = "lineaire", _("Prix linéaire entre un minimum et un maximum")

    class ColumnChoice(models.TextChoices):
        FAVOURABLE = "favorable", _("Le tarif le plus favorable à la famille")
        ORDER = "ordre", _("La première colonne qui s'applique, dans l'ordre de la grille")

    class RankMode(models.TextChoices):
        NONE = "aucun", _("Pas de tarif selon le rang de l'enfant")
        PERCENT = "pourcentage", _("Une réduction en pourcentage selon le rang")
        PRICE = "prix", _("Un prix par rang (1er, 2e, 3e, 4e et plus)")

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="tariff_grids")
    group = models.ForeignKey(
        Group,
        on_delete=models.CASCADE,
        related_name="tariff_grids",
        null=True,
        blank=True,
        verbose_name=_("pour le groupe"),
        help_text=_("Vide : la grille vaut pour tous les groupes qui n'ont pas la leur."),
    )
    method = models.CharField(
        _("calcul du prix"), max_length=20, choices=Method.choices, default=Method.BRACKETS
    )
    column_choice = models.CharField(
        _("quand plusieurs colonnes s'appliquent"),
        max_length=20,
        choices=ColumnChoice.choices,
        default=ColumnChoice.FAVOURABLE,
    )
    rank_mode = models.CharField(
        _("rang de l'enfant"), max_length=20, choices=RankMode.choices, default=RankMode.NONE
    )
    # With RankMode.PRICE: how many rank columns the grid has (2: 1er, 2e et plus; 4: 1er … 4e et plus).
    rank_count = models.PositiveSmallIntegerField(_("nombre de rangs"), default=1)
    second_child_reduction = models.DecimalField(
        _("réduction pour le 2e enfant (%)"), max_digits=5, decimal_places=2, default=0
    )
    third_child_reduction = models.DecimalField(
        _("réduction pour le 3e enfant (%)"), max_digits=5, decimal_places=2, default=0
    )
    fourth_child_reduction = models.DecimalField(
        _("réduction à partir du 4e enfant (%)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Vide : la même que pour le 3e enfant."),
    )
    large_family_children = models.PositiveSmallIntegerField(
        _("familles nombreuses : à partir de combien d'enfants à charge"),
        null=True,
        blank=True,
        help_text=_("Ces familles paient la tranche du dessous. Vide : pas de règle."),
    )
    daily_cap_unit = models.ForeignKey(
        Unit,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("plafond par jour"),
        help_text=_(
            "Les unités réservées un même jour ne coûtent jamais plus que cette unité (deux "
            "demi-journées pas plus qu'une journée). Les repas ne comptent pas."
        ),
    )

    class Meta:
        verbose_name = _("grille tarifaire")
        constraints = [
            models.UniqueConstraint(fields=["activity", "group"], name="tariff_grid_unique_per_group"),
            models.UniqueConstraint(
                fields=["activity"], condition=Q(group__isnull=True), name="tariff_grid_one_general"
            ),
            models.CheckConstraint(
                condition=Q(second_child_reduction__gte=0, second_child_reduction__lte=100)
                & Q(third_child_reduction__gte=0, third_child_reduction__lte=100)
                & (
                    Q(fourth_child_reduction__isnull=True)
                    | Q(fourth_child_reduction__gte=0, fourth_child_reduction__lte=100)
                ),
                name="tariff_grid_reductions_are_percentages",
            ),
            models.CheckConstraint(
                condition=Q(rank_count__gte=1, rank_count__lte=4), name="tariff_grid_ranks"
            ),
        ]

    def __str__(self):
        return f"{self.activity} — {self.group or 'tous les groupes'}"


@audited(centre_of=lambda c: c.grid.activity.centre_id)
class TariffColumn(ChangeTrackingMixin, models.Model):
    """A price column of a grid, for the families of one status (CAF, MSA, social rate, outside…).

    Every grid has its `BASE` column, which applies when no other does.
    """

    class Kind(models.TextChoices):
        BASE = "base", _("Tarif de base")
        CAF = "caf", _("Allocataires CAF")
        MSA = "msa", _("Allocataires MSA")
        OTHER_REGIME = "autre_regime", _("Autres régimes")
        SOCIAL = "social", _("Tarif social (CCAS)")
        OUTSIDE = "hors_commune", _("Hors commune")

    grid = models.ForeignKey(TariffGrid, on_delete=models.CASCADE, related_name="columns")
    kind = models.CharField(_("pour"), max_length=20, choices=Kind.choices)
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)

    class Meta:
        verbose_name = _("colonne de prix")
        ordering = ["position", "id"]
        constraints = [models.UniqueConstraint(fields=["grid", "kind"], name="tariff_column_once_per_grid")]

    def __str__(self):
        return self.get_kind_display()


@audited(centre_of=lambda b: b.grid.activity.centre_id)
class TariffBracket(ChangeTrackingMixin, models.Model):
    grid = models.ForeignKey(TariffGrid, on_delete=models.CASCADE, related_name="brackets")
    lower = models.DecimalField(_("quotient de (€)"), max_digits=9, decimal_places=2)
    upper = models.DecimalField(
        _("quotient jusqu'à (€)"), max_digits=9, decimal_places=2, null=True, blank=True
    )

    class Meta:
        verbose_name = _("tranche de quotient")
        ordering = ["lower", "id"]

    def __str__(self):
        return self.as_bracket().label

    def as_bracket(self) -> Bracket:
        return Bracket(self.lower, self.upper)


@audited(centre_of=lambda p: p.bracket.grid.activity.centre_id)
class TariffPrice(ChangeTrackingMixin, models.Model):
    """One cell of a grid: a bracket, a unit, a column and a child rank (1 when the grid has no ranks).

    What the cell holds depends on the grid's method: the price (`price`); the taux d'effort (`rate`, %
    of the quotient) with its floor (`price`) and ceiling (`price_max`); or the linear price, `price` at
    the bracket's lower bound rising to `price_max` at its upper bound.
    """

    bracket = models.ForeignKey(TariffBracket, on_delete=models.CASCADE, related_name="prices")
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="prices")
    column = models.ForeignKey(TariffColumn, on_delete=models.CASCADE, related_name="prices")
    rank = models.PositiveSmallIntegerField(_("rang de l'enfant"), default=1)
    price = models.DecimalField(_("prix (€)"), max_digits=7, decimal_places=2)
    price_max = models.DecimalField(
        _("prix maximum (€)"), max_digits=7, decimal_places=2, null=True, blank=True
    )
    rate = models.DecimalField(_("taux d'effort (%)"), max_digits=9, decimal_places=5, null=True, blank=True)

    class Meta:
        verbose_name = _("prix")
        constraints = [
            models.UniqueConstraint(
                fields=["bracket", "unit", "column", "rank"], name="tariff_price_unique_cell"
            ),
        ]

    def __str__(self):
        return f"{self.price} €"


@audited(centre_of=lambda a: a.activity.centre_id)
class TariffAid(ChangeTrackingMixin, models.Model):
    """An aid deducted from the fee for eligible families: the CAF's « aide aux temps libres » or pass
    loisirs, an MSA aid, the CCAS's aid — an amount or a rate per unit booked."""

    class Funder(models.TextChoices):
        CAF = "caf", _("CAF (allocataires)")
        MSA = "msa", _("MSA (allocataires)")
        CCAS = "ccas", _("CCAS (familles au tarif social)")
        ANY = "tous", _("Toutes les familles sous le plafond de quotient")

    class Mode(models.TextChoices):
        AMOUNT = "montant", _("Un montant par unité (€)")
        RATE = "taux", _("Un pourcentage du prix de l'unité (%)")

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="tariff_aids")
    name = models.CharField(
        _("nom de l'aide"), max_length=150, help_text=_("Par exemple « Aide aux temps libres CAF ».")
    )
    funder = models.CharField(_("pour les familles"), max_length=10, choices=Funder.choices)
    max_quotient = models.DecimalField(
        _("quotient maximum (€)"),
        max_digits=9,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Vide : sans condition de quotient. Une famille sans quotient connu n'y a pas droit."),
    )
    mode = models.CharField(_("montant"), max_length=10, choices=Mode.choices, default=Mode.AMOUNT)
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)

    class Meta:
        verbose_name = _("aide déduite")
        ordering = ["position", "id"]

    def __str__(self):
        return self.name


@audited(centre_of=lambda a: a.aid.activity.centre_id)
class TariffAidAmount(ChangeTrackingMixin, models.Model):
    aid = models.ForeignKey(TariffAid, on_delete=models.CASCADE, related_name="amounts")
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    value = models.DecimalField(_("montant ou taux"), max_digits=7, decimal_places=2)

    class Meta:
        verbose_name = _("montant d'aide")
        constraints = [
            models.UniqueConstraint(fields=["aid", "unit"], name="tariff_aid_amount_unique"),
            models.CheckConstraint(condition=Q(value__gte=0), name="tariff_aid_amount_not_negative"),
        ]

    def __str__(self):
        return f"{self.aid} : {self.value}"


@audited(centre_of=lambda f: f.activity.centre_id)
class TariffFee(ChangeTrackingMixin, models.Model):
    """A fixed fee of an activity: a file fee per child or per household per season, or the penalty for
    an unannounced absence (charged by invoicing)."""

    class Kind(models.TextChoices):
        PER_CHILD = "par_enfant", _("Frais de dossier par enfant et par saison")
        PER_HOUSEHOLD = "par_foyer", _("Frais de dossier par foyer et par saison")
        ABSENCE = "absence", _("Pénalité pour une absence non prévenue (par unité)")

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="tariff_fees")
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices)
    name = models.CharField(_("libellé"), max_length=150)
    amount = models.DecimalField(_("montant (€)"), max_digits=7, decimal_places=2)

    class Meta:
        verbose_name = _("frais fixe")
        ordering = ["kind", "id"]
        constraints = [
            models.UniqueConstraint(fields=["activity", "kind"], name="tariff_fee_once_per_kind"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="tariff_fee_not_negative"),
        ]

    def __str__(self):
        return self.name


class RegistrationQuerySet(CentreOwnedQuerySet):
    pass


@audited(person_of=lambda r: r.child_id)
class Registration(ChangeTrackingMixin, models.Model):
    """A child registered to a period of a leisure centre, in a group, with the units booked."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Inscrit")
        CANCELLED = "annulee", _("Annulée")

    class Source(models.TextChoices):
        ONLINE = "en_ligne", _("Demande en ligne")
        DESK = "accueil", _("À l'accueil")

    centre = models.ForeignKey(Centre, on_delete=models.PROTECT, related_name="registrations")
    period = models.ForeignKey(Period, on_delete=models.PROTECT, related_name="registrations")
    group = models.ForeignKey(Group, on_delete=models.PROTECT, related_name="registrations")
    child = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="registrations")
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="registrations")
    status = models.CharField(_("statut"), max_length=10, choices=Status.choices, default=Status.ACTIVE)
    amount = models.DecimalField(_("montant dû (€)"), max_digits=9, decimal_places=2)
    family_quotient = models.DecimalField(
        _("quotient appliqué (€)"), max_digits=7, decimal_places=2, null=True, blank=True
    )
    bracket_label = models.CharField(_("tranche appliquée"), max_length=60, blank=True)
    # The fee as explained to the family and to reception: [{"label": …, "amount": "12.50"}], summing to
    # `amount`; and the child's rank among the household's children of the period it was priced with.
    fee_lines = models.JSONField(_("détail du montant"), default=list, blank=True)
    rank = models.PositiveSmallIntegerField(_("rang de l'enfant"), default=1)
    source = models.CharField(_("origine"), max_length=10, choices=Source.choices, default=Source.ONLINE)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    cancelled_at = models.DateTimeField(_("annulée le"), null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    cancel_reason = models.TextField(_("motif d'annulation"), blank=True)

    objects = RegistrationQuerySet.as_manager()

    class Meta:
        verbose_name = _("inscription")
        ordering = ["period", "group", "child__last_name", "id"]
        indexes = [models.Index(fields=["period", "group", "status"])]
        constraints = [
            models.UniqueConstraint(
                fields=["period", "child"],
                condition=Q(status="active"),
                name="registration_once_per_period",
            ),
        ]

    def __str__(self):
        return f"{self.child} — {self.period}"


class BookedUnit(models.Model):
    """One unit booked on one day (Noethys's "consommation"), with its price before reductions."""

    registration = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="booked_units")
    day = models.ForeignKey(PeriodDay, on_delete=models.PROTECT, related_name="booked_units")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="booked_units")
    price = models.DecimalField(_("prix (€)"), max_digits=7, decimal_places=2)

    class Meta:
        verbose_name = _("unité réservée")
        ordering = ["day__date", "unit__position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["registration", "day", "unit"], name="booked_unit_unique"),
        ]

    def __str__(self):
        return f"{self.day} — {self.unit}"


# --- Check: sessions and attendance ---------------------------------------------------------------


@audited()
class Closure(ChangeTrackingMixin, models.Model):
    """Days the centre is closed (summer closure, a bridge day): schedules make no session on them."""

    centre = models.ForeignKey(Centre, on_delete=models.CASCADE, related_name="closures")
    starts_on = models.DateField(_("fermé du"))
    ends_on = models.DateField(_("au (inclus)"))
    reason = models.CharField(_("motif"), max_length=150, blank=True)

    class Meta:
        verbose_name = _("fermeture")
        ordering = ["starts_on", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")), name="closure_dates_order"),
        ]

    def __str__(self):
        return f"{self.starts_on:%d/%m/%Y} – {self.ends_on:%d/%m/%Y}"


class ScheduleQuerySet(CentreOwnedQuerySet):
    centre_path = "activity__centre_id"


@audited(centre_of=lambda s: s.activity.centre_id)
class Schedule(ChangeTrackingMixin, models.Model):
    """A weekly rhythm of an activity (« le mardi et le jeudi, 14 h – 16 h, de septembre à juin ») that
    generates its sessions, minus the centre's closures and public holidays."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="schedules")
    group = models.ForeignKey(
        Group, on_delete=models.CASCADE, related_name="schedules", null=True, blank=True
    )
    weekdays = models.CharField(_("jours de la semaine"), max_length=13, help_text="0 = lundi, « 1,3 »")
    starts_on = models.DateField(_("du"))
    ends_on = models.DateField(_("au (inclus)"))
    start_time = models.TimeField(_("de"))
    end_time = models.TimeField(_("à"))
    hours_cap = models.DecimalField(
        _("heures retenues au plus"),
        max_digits=4,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Le plafond d'heures par présence que fixe la CAF pour ce créneau, s'il y en a un."),
    )
    skip_public_holidays = models.BooleanField(_("pas de séance les jours fériés"), default=True)

    objects = ScheduleQuerySet.as_manager()

    class Meta:
        verbose_name = _("rythme des séances")
        ordering = ["starts_on", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")), name="schedule_dates_order"),
            models.CheckConstraint(condition=Q(end_time__gt=F("start_time")), name="schedule_times_order"),
        ]

    def __str__(self):
        return f"{self.activity} — {self.weekdays}"

    @property
    def weekday_set(self) -> set[int]:
        return {int(day) for day in self.weekdays.split(",") if day.strip().isdigit()}

    def get_weekdays_label(self) -> str:
        names = ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"]
        days = [names[day] for day in sorted(self.weekday_set) if day < len(names)]
        label = " et ".join([", ".join(days[:-1]), days[-1]]) if len(days) > 1 else "".join(days)
        return f"Chaque {label}"


class SessionQuerySet(CentreOwnedQuerySet):
    pass


@audited()
class Session(ChangeTrackingMixin, models.Model):
    """One occurrence of an activity: a workshop on a Tuesday, a group's day at the leisure centre.

    `counted_hours` is what one presence counts for the funders: the whole slot as soon as the person
    came for all or part of it (the CAF's « heures réalisées »), within the cap it sets for some slots.
    The centre is copied from the activity so that reports and tenancy filter without a join.
    """

    class Status(models.TextChoices):
        PLANNED = "prevue", _("Prévue")
        CANCELLED = "annulee", _("Annulée")

    centre = models.ForeignKey(Centre, on_delete=models.PROTECT, related_name="sessions")
    activity = models.ForeignKey(Activity, on_delete=models.PROTECT, related_name="sessions")
    schedule = models.ForeignKey(
        Schedule, on_delete=models.SET_NULL, related_name="sessions", null=True, blank=True
    )
    group = models.ForeignKey(Group, on_delete=models.PROTECT, related_name="sessions", null=True, blank=True)
    period_day = models.ForeignKey(
        PeriodDay, on_delete=models.PROTECT, related_name="sessions", null=True, blank=True
    )
    date = models.DateField(_("date"))
    start_time = models.TimeField(_("de"))
    end_time = models.TimeField(_("à"))
    counted_hours = models.DecimalField(_("heures comptées par présence"), max_digits=4, decimal_places=2)
    title = models.CharField(_("intitulé"), max_length=150, blank=True)
    status = models.CharField(_("statut"), max_length=10, choices=Status.choices, default=Status.PLANNED)
    cancel_reason = models.CharField(_("motif d'annulation"), max_length=200, blank=True)
    # Who made the session when another module did (« planning:12 »): that module may then update or
    # remove it (see `sessions.sync_planned_sessions`); blank for sessions made here.
    origin = models.CharField(max_length=40, blank=True, default="", editable=False)

    objects = SessionQuerySet.as_manager()

    class Meta:
        verbose_name = _("séance")
        ordering = ["date", "start_time", "id"]
        indexes = [
            models.Index(fields=["centre", "date"]),
            models.Index(fields=["activity", "date"]),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(end_time__gt=F("start_time")), name="session_times_order"),
            models.CheckConstraint(condition=Q(counted_hours__gte=0), name="session_hours_positive"),
        ]

    def __str__(self):
        return f"{self.activity} — {self.date:%d/%m/%Y}"

    @property
    def is_cancelled(self) -> bool:
        return self.status == self.Status.CANCELLED


class ParticipantQuerySet(CentreOwnedQuerySet):
    centre_path = "activity__centre_id"


@audited(centre_of=lambda p: p.activity.centre_id, person_of=lambda p: p.person_id)
class Participant(ChangeTrackingMixin, models.Model):
    """A person enrolled directly in an activity (a weekly workshop). Leisure-centre children are the
    participants of their registration's booked days and need no row here."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="participants")
    # Erasing a person erases their participations and attendance; anonymising keeps the figures.
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="participations")
    group = models.ForeignKey(
        Group, on_delete=models.SET_NULL, related_name="participants", null=True, blank=True
    )
    joined_on = models.DateField(_("inscrit(e) depuis le"))
    left_on = models.DateField(_("parti(e) le"), null=True, blank=True)

    objects = ParticipantQuerySet.as_manager()

    class Meta:
        verbose_name = _("participant")
        ordering = ["person__last_name", "person__first_name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["activity", "person"], name="participant_once_per_activity"),
        ]

    def __str__(self):
        return f"{self.person_id} @ {self.activity_id}"


def attendance_import_path(instance, filename):
    # Outside any public URL: only the import views read it back, for the centre that sent it.
    return f"imports-presences/{instance.centre_id}/{uuid.uuid4().hex}.bin"


class AttendanceImport(models.Model):
    """One file of past attendance, from its preview to its import."""

    class Status(models.TextChoices):
        PREVIEW = "apercu", _("Aperçu")
        DONE = "importe", _("Importé")

    centre = models.ForeignKey(Centre, on_delete=models.CASCADE, related_name="attendance_imports")
    created_by = models.ForeignKey(
        "core.User", on_delete=models.SET_NULL, null=True, related_name="attendance_imports"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    file_name = models.CharField(max_length=255)
    file_sha256 = models.CharField(max_length=64, db_index=True)
    upload = models.FileField(upload_to=attendance_import_path, blank=True)
    # The column mapping chosen, and options (create unknown people…), as the preview used them.
    mapping = models.JSONField(default=dict, blank=True)
    # One line per refused row (« ligne 12 : date impossible »), offered as a CSV after the import.
    error_report = models.TextField(blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PREVIEW)
    row_count = models.PositiveIntegerField(default=0)
    imported_count = models.PositiveIntegerField(default=0)
    skipped_count = models.PositiveIntegerField(default=0)
    error_count = models.PositiveIntegerField(default=0)
    people_created = models.PositiveIntegerField(default=0)
    sessions_created = models.PositiveIntegerField(default=0)
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("import de présences")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return self.file_name


class Attendance(models.Model):
    """Whether one person came to one session.

    The session's centre, activity, date and counted hours are copied here: the monthly reports of a
    whole network (millions of rows) then read one table with one index. They only change with the
    session (`sessions.move_session`). Not journaled row by row: a tap is not a change of personal
    data; corrections made after the session's day are (`attendance.mark`).
    """

    class Status(models.TextChoices):
        PRESENT = "present", _("Présent(e)")
        ABSENT = "absent", _("Absent(e)")
        EXCUSED = "excuse", _("Excusé(e)")

    # Each status's letter on the grid that copies a paper sheet (attendance/views.py, `grid`).
    LETTERS = {Status.PRESENT: "P", Status.ABSENT: "A", Status.EXCUSED: "E"}

    class Source(models.TextChoices):
        TAP = "appel", _("Appel")
        PAPER = "feuille", _("Feuille papier")
        IMPORT = "import", _("Import")

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="attendances")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="attendances")
    centre = models.ForeignKey(Centre, on_delete=models.PROTECT, related_name="+")
    activity = models.ForeignKey(Activity, on_delete=models.PROTECT, related_name="+")
    date = models.DateField()
    hours = models.DecimalField(max_digits=4, decimal_places=2)
    status = models.CharField(max_length=10, choices=Status.choices)
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.TAP)
    recorded_by = models.ForeignKey(
        "core.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField()
    import_batch = models.ForeignKey(
        AttendanceImport, on_delete=models.SET_NULL, null=True, blank=True, related_name="attendances"
    )

    class Meta:
        verbose_name = _("présence")
        constraints = [
            models.UniqueConstraint(fields=["session", "person"], name="attendance_once_per_session"),
        ]
        indexes = [
            models.Index(fields=["centre", "date"]),
            models.Index(fields=["activity", "date"]),
            models.Index(fields=["date", "centre"], name="attendance_month_network"),
            models.Index(fields=["person", "date"]),
        ]

    def __str__(self):
        return f"{self.person_id} @ {self.session_id} : {self.status}"

    @classmethod
    def of_session(cls, session: Session, person: Person, status: str, **fields) -> Attendance:
        """An unsaved row with the session's centre, activity, date and hours copied in."""
        return cls(
            session=session,
            person=person,
            centre_id=session.centre_id,
            activity_id=session.activity_id,
            date=session.date,
            hours=session.counted_hours,
            status=status,
            **fields,
        )


class HeadCount(models.Model):
    """How many people came to an open-door session (toy library, drop-in), by category, without names."""

    class Category(models.TextChoices):
        ADULTS = "adultes", _("Adultes")
        CHILDREN = "enfants", _("Enfants")

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="head_counts")
    centre = models.ForeignKey(Centre, on_delete=models.PROTECT, related_name="+")
    activity = models.ForeignKey(Activity, on_delete=models.PROTECT, related_name="+")
    date = models.DateField()
    category = models.CharField(max_length=10, choices=Category.choices)
    count = models.PositiveIntegerField()
    recorded_by = models.ForeignKey(
        "core.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField()

    class Meta:
        verbose_name = _("comptage")
        constraints = [
            models.UniqueConstraint(fields=["session", "category"], name="head_count_once_per_category"),
        ]
        indexes = [models.Index(fields=["centre", "date"])]

    def __str__(self):
        return f"{self.session_id} {self.category} : {self.count}"

"""Forms of the set-up screens: seasons, activities, groups, units, periods, places and fee grids.

The grids (tariffs and membership fees) are tables typed row by row. Their forms drop blank rows and
renumber the others before checking, so that the row a service names (« Tranche 3 ») is the third row
on screen.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django import forms

from csc.core.forms import (
    DATE_ERRORS,
    DATE_WIDGET,
    AccessibleFormMixin,
    EurosField,
    parse_date_lines,
)
from csc.people.models import FAMILY_QUOTIENT_TOO_HIGH, MAX_FAMILY_QUOTIENT, Season

from .models import Activity, CommuneList, Group, Period, TariffAid, TariffColumn, TariffFee, TariffGrid, Unit
from .services import weekdays_between
from .tariff_setup import MAX_BRACKETS
from .tariffs import Cell

# A period longer than this is a typing mistake (a year typed 2207), not a programme of days.
MAX_PERIOD_DAYS = 400
MAX_GRID_ROWS = 30
BLANK_ROWS = 2
WEEKDAYS = [
    ("0", "Lundi"),
    ("1", "Mardi"),
    ("2", "Mercredi"),
    ("3", "Jeudi"),
    ("4", "Vendredi"),
    ("5", "Samedi"),
    ("6", "Dimanche"),
]


class PercentField(EurosField):
    def __init__(self, **kwargs):
        super().__init__(
            max_digits=5,
            min_value=Decimal(0),
            max_value=Decimal(100),
            error_messages={
                "invalid": "Saisissez un pourcentage, par exemple 10 ou 12,5.",
                "min_value": "Un pourcentage entre 0 et 100.",
                "max_value": "Un pourcentage entre 0 et 100.",
                "max_digits": "Un pourcentage entre 0 et 100.",
                "max_whole_digits": "Un pourcentage entre 0 et 100.",
            },
            **kwargs,
        )

    def to_python(self, value):
        if isinstance(value, str):
            value = value.replace("%", "")
        return super().to_python(value)


def quotient_field(label: str) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        required=False,
        min_value=0,
        max_value=int(MAX_FAMILY_QUOTIENT),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "size": 6}),
        error_messages={
            "invalid": "Saisissez un quotient en euros entiers, par exemple 650.",
            "min_value": "Le quotient ne peut pas être négatif.",
            "max_value": FAMILY_QUOTIENT_TOO_HIGH,
        },
    )


# --- seasons and activities ------------------------------------------------------------------------


class SeasonForm(AccessibleFormMixin, forms.ModelForm):
    class Meta:
        model = Season
        fields = ["name", "starts_on", "ends_on"]
        widgets = {"starts_on": DATE_WIDGET, "ends_on": DATE_WIDGET}
        labels = {"starts_on": "Premier jour", "ends_on": "Dernier jour"}
        error_messages = {
            "name": {"required": "Donnez un nom à la saison, par exemple « 2026-2027 »."},
            "starts_on": {"required": "Indiquez le premier jour de la saison.", **DATE_ERRORS},
            "ends_on": {"required": "Indiquez le dernier jour de la saison.", **DATE_ERRORS},
        }

    def clean(self):
        cleaned = super().clean()
        starts, ends = cleaned.get("starts_on"), cleaned.get("ends_on")
        if starts and ends:
            if ends < starts:
                self.add_error("ends_on", "Le dernier jour est avant le premier jour de la saison.")
            elif (ends - starts).days > 731:
                self.add_error("ends_on", "Une saison dure au plus deux ans : vérifiez l'année.")
        return cleaned


class ActivityForm(AccessibleFormMixin, forms.ModelForm):
    class Meta:
        model = Activity
        fields = [
            "name",
            "kind",
            "counts_only",
            "season",
            "description",
            "age_reference_date",
            "resident_communes",
            "resident_commune_lists",
            "workers_count_as_residents",
        ]
        widgets = {
            "resident_commune_lists": forms.CheckboxSelectMultiple,
            "age_reference_date": DATE_WIDGET,
            "description": forms.Textarea(attrs={"rows": 4}),
            "resident_communes": forms.Textarea(attrs={"rows": 4}),
        }
        labels = {"season": "Saison"}
        help_texts = {"description": "Ce que les familles lisent sur la page d'inscription en ligne."}
        error_messages = {
            "name": {"required": "Donnez un nom à l'activité, par exemple « Accueil de loisirs »."},
            "age_reference_date": DATE_ERRORS,
            "kind": {"invalid_choice": "Choisissez un type dans la liste."},
            "season": {"invalid_choice": "Choisissez une saison dans la liste."},
        }

    def __init__(self, *args, seasons, commune_lists, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["season"].queryset = seasons
        self.fields["season"].empty_label = "Aucune saison"
        # Only the centre's own lists: another centre's list is not a choice (an invalid one if posted).
        self.fields["resident_commune_lists"].queryset = commune_lists
        self.fields["resident_commune_lists"].error_messages["invalid_choice"] = (
            "Choisissez parmi les listes de communes du centre."
        )
        self.fields["resident_commune_lists"].help_text = (
            "Les communes de ces listes paient aussi le tarif habitant (listes : « Communes » dans les "
            "réglages des activités)."
        )

    def clean_resident_communes(self):
        lines = [line.strip() for line in self.cleaned_data.get("resident_communes", "").splitlines()]
        return "\n".join(line for line in lines if line)


class GroupForm(AccessibleFormMixin, forms.ModelForm):
    class Meta:
        model = Group
        fields = ["name", "min_age", "max_age", "capacity"]
        help_texts = {
            "capacity": "Les places des nouveaux jours. Pour les jours déjà ouverts, changez-les dans le "
            "tableau des places de chaque période."
        }
        error_messages = {
            "name": {"required": "Donnez un nom au groupe, par exemple « Petits (3-5 ans) »."},
            "min_age": {
                "required": "Indiquez l'âge minimum.",
                "invalid": "Saisissez un âge en années.",
                "min_value": "L'âge ne peut pas être négatif.",
            },
            "max_age": {
                "required": "Indiquez l'âge maximum.",
                "invalid": "Saisissez un âge en années.",
                "min_value": "L'âge ne peut pas être négatif.",
            },
            "capacity": {
                "required": "Indiquez le nombre de places par jour.",
                "invalid": "Saisissez un nombre de places.",
                "min_value": "Le nombre de places ne peut pas être négatif.",
            },
        }

    def clean_max_age(self):
        value = self.cleaned_data["max_age"]
        if value > 120:
            raise forms.ValidationError("Vérifiez l'âge maximum.")
        return value

    def clean_capacity(self):
        value = self.cleaned_data["capacity"]
        if value > 10_000:
            raise forms.ValidationError("Vérifiez le nombre de places.")
        return value

    def clean(self):
        cleaned = super().clean()
        low, high = cleaned.get("min_age"), cleaned.get("max_age")
        if low is not None and high is not None and high < low:
            self.add_error("max_age", "L'âge maximum doit être supérieur ou égal à l'âge minimum.")
        return cleaned


class UnitForm(AccessibleFormMixin, forms.ModelForm):
    class Meta:
        model = Unit
        fields = ["name", "kind", "position", "groups", "price_rises_with_quotient"]
        widgets = {"groups": forms.CheckboxSelectMultiple}
        labels = {"position": "Ordre d'affichage"}
        help_texts = {
            "kind": "Un repas ne prend pas de place : il accompagne une journée ou une demi-journée.",
            "position": "Les unités sont présentées aux familles de la plus petite valeur à la plus grande.",
        }
        error_messages = {
            "name": {"required": "Donnez un nom à l'unité, par exemple « Journée avec repas »."},
            "kind": {"required": "Choisissez le type d'unité.", "invalid_choice": "Choisissez un type."},
            "position": {"invalid": "Saisissez un nombre.", "min_value": "Un nombre positif."},
            "groups": {"invalid_choice": "Choisissez parmi les groupes de l'activité."},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["groups"].queryset = Group.objects.filter(activity_id=self.instance.activity_id)


# --- periods and days ------------------------------------------------------------------------------


class PeriodForm(AccessibleFormMixin, forms.ModelForm):
    class Meta:
        model = Period
        fields = ["name", "kind", "registration_opens_on", "registration_closes_on"]
        widgets = {"registration_opens_on": DATE_WIDGET, "registration_closes_on": DATE_WIDGET}
        error_messages = {
            "name": {"required": "Donnez un nom à la période, par exemple « Vacances d'hiver 2027 »."},
            "kind": {"invalid_choice": "Choisissez un type dans la liste."},
            "registration_opens_on": {
                "required": "Indiquez à partir de quand les familles peuvent s'inscrire.",
                **DATE_ERRORS,
            },
            "registration_closes_on": {
                "required": "Indiquez jusqu'à quand les familles peuvent s'inscrire.",
                **DATE_ERRORS,
            },
        }

    def clean(self):
        cleaned = super().clean()
        opens, closes = cleaned.get("registration_opens_on"), cleaned.get("registration_closes_on")
        if opens and closes and closes < opens:
            self.add_error(
                "registration_closes_on", "La fin des inscriptions est avant leur ouverture : vérifiez."
            )
        return cleaned


class DaysGeneratorForm(AccessibleFormMixin, forms.Form):
    """« Tous les mercredis du 07/01 au 01/04, sauf le 18/02 »: the days of a period in one sentence."""

    MODES = [("remplacer", "Remplacer les jours actuels"), ("ajouter", "Ajouter aux jours actuels")]

    first_day = forms.DateField(
        label="Du",
        widget=DATE_WIDGET,
        error_messages={"required": "Indiquez le premier jour.", **DATE_ERRORS},
    )
    last_day = forms.DateField(
        label="Au",
        widget=DATE_WIDGET,
        error_messages={"required": "Indiquez le dernier jour.", **DATE_ERRORS},
    )
    weekdays = forms.MultipleChoiceField(
        label="Les jours de la semaine ouverts",
        choices=WEEKDAYS,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Cochez au moins un jour de la semaine.",
            "invalid_choice": "Cochez des jours de la semaine de la liste.",
        },
    )
    closed = forms.CharField(
        label="Jours fermés (facultatif)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Jours fériés, ponts… Une date par ligne, par exemple 11/11/2026.",
    )
    mode = forms.ChoiceField(
        label="Ces jours", choices=MODES, initial="remplacer", widget=forms.RadioSelect, required=False
    )

    def __init__(self, *args, with_mode: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not with_mode:
            del self.fields["mode"]

    def clean_closed(self):
        return parse_date_lines(self.cleaned_data.get("closed", ""))

    def clean(self):
        cleaned = super().clean()
        first, last = cleaned.get("first_day"), cleaned.get("last_day")
        if first and last:
            if last < first:
                self.add_error("last_day", "Le dernier jour est avant le premier jour.")
            elif (last - first).days > MAX_PERIOD_DAYS:
                self.add_error("last_day", "Une période dure au plus un an : vérifiez l'année.")
        if not self.errors:
            cleaned["dates"] = weekdays_between(
                first, last, {int(d) for d in cleaned["weekdays"]}, set(cleaned["closed"])
            )
            if not cleaned["dates"]:
                self.add_error(
                    "weekdays",
                    "Aucun jour entre ces deux dates ne tombe un des jours cochés (hors jours fermés).",
                )
        return cleaned

    def dates(self) -> list[date]:
        return self.cleaned_data["dates"]

    @property
    def adds(self) -> bool:
        return self.cleaned_data.get("mode") == "ajouter"


class DayListForm(AccessibleFormMixin, forms.Form):
    dates = forms.CharField(
        label="Jours d'ouverture",
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text="Une date par ligne, par exemple 21/12/2026. Effacez une ligne pour retirer le jour.",
        error_messages={"required": "Indiquez au moins un jour d'ouverture."},
    )

    def clean_dates(self):
        dates = parse_date_lines(self.cleaned_data["dates"])
        if not dates:
            raise forms.ValidationError("Indiquez au moins un jour d'ouverture.")
        if len(set(dates)) > MAX_PERIOD_DAYS:
            raise forms.ValidationError(f"Une période compte au plus {MAX_PERIOD_DAYS} jours.")
        if (max(dates) - min(dates)).days > MAX_PERIOD_DAYS:
            raise forms.ValidationError("Les jours d'une période tiennent dans une année : vérifiez l'année.")
        return sorted(set(dates))


# --- places ----------------------------------------------------------------------------------------


class CapacityForm(AccessibleFormMixin, forms.Form):
    """The places of every group on every day of a period: one number per cell."""

    def __init__(self, *args, groups, days, group_days, **kwargs):
        self.groups, self.days = groups, days
        self.cells = {(gd.group_id, gd.day_id): gd for gd in group_days}
        super().__init__(*args, **kwargs)
        for day in days:
            for group in groups:
                cell = self.cells.get((group.pk, day.pk))
                if cell is None:
                    continue
                self.fields[self.cell_name(group.pk, day.pk)] = forms.IntegerField(
                    label=f"Places {group.name}, {day.date:%d/%m/%Y} "
                    f"({cell.held} prise{'s' if cell.held > 1 else ''})",
                    min_value=0,
                    max_value=10_000,
                    initial=cell.capacity,
                    widget=forms.NumberInput(attrs={"inputmode": "numeric", "size": 4}),
                    error_messages={
                        "required": "Indiquez un nombre de places (0 pour fermer ce jour au groupe).",
                        "invalid": "Saisissez un nombre de places.",
                        "min_value": "Le nombre de places ne peut pas être négatif.",
                        "max_value": "Vérifiez le nombre de places.",
                    },
                )

    @staticmethod
    def cell_name(group_id: int, day_id: int) -> str:
        return f"places-{group_id}-{day_id}"

    def changes(self) -> dict[tuple[int, int], int]:
        """The cells typed with another number than the one saved: {(group id, day id): places}."""
        return {
            key: self.cleaned_data[self.cell_name(*key)]
            for key, cell in self.cells.items()
            if self.cell_name(*key) in self.cleaned_data
            and self.cleaned_data[self.cell_name(*key)] != cell.capacity
        }

    def add_capacity_errors(self, errors: dict[tuple[int, int], str]) -> None:
        """Show a service's refusals (CapacityInvalid) on their cells."""
        for key, message in errors.items():
            name = self.cell_name(*key)
            self.add_error(name if name in self.fields else None, message)
            if name in self.fields:
                # Added after validation: give the cell the marks the mixin gives during it.
                widget = self.fields[name].widget
                widget.attrs = {
                    **widget.attrs,
                    "aria-invalid": "true",
                    "aria-describedby": f"{self.add_prefix(name)}-erreurs",
                }

    def rows(self) -> list[CapacityRow]:
        """Days as rows, groups as columns, each cell with its field (None when the group has no place)."""
        result = []
        for day in self.days:
            row = CapacityRow(day=day)
            for group in self.groups:
                cell = self.cells.get((group.pk, day.pk))
                bound = self[self.cell_name(group.pk, day.pk)] if cell is not None else None
                row.cells.append((group, cell, bound))
            result.append(row)
        return result


@dataclass
class CapacityRow:
    day: object
    cells: list = field(default_factory=list)


# --- fee grids -------------------------------------------------------------------------------------


@dataclass
class GridRowView:
    """What the template shows for one row of a grid: its fields in column order and its errors."""

    index: int
    number: int
    lower: forms.BoundField
    upper: forms.BoundField
    values: list
    errors: list[str]
    error_id: str
    units: list = field(default_factory=list)


class BracketGridForm(AccessibleFormMixin, forms.Form):
    """A table of family-quotient brackets (de / jusqu'à) with values per row.

    Subclasses say which value fields a row has (`value_fields`). Blank rows are dropped and the others
    renumbered before validation; `extra` blank rows follow them for adding brackets without JavaScript.
    """

    rows = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)
    max_rows = MAX_GRID_ROWS

    def __init__(self, data=None, *, initial_rows=None, extra=BLANK_ROWS, **kwargs):
        self.row_errors: dict[int, list[str]] = {}
        self.posted_rows = 0
        if data is not None:
            data, filled = self._compact(data)
        else:
            initial = dict(kwargs.pop("initial", None) or {})
            filled = len(initial_rows or [])
            for index, values in enumerate(initial_rows or []):
                for key, value in values.items():
                    initial[self.row_name(index, key)] = value
            kwargs["initial"] = initial
        self.filled = filled
        self.row_total = max(filled, min(filled + extra, self.max_rows))
        super().__init__(data, **kwargs)
        self.fields["rows"].initial = self.row_total
        for index in range(self.row_total):
            number = index + 1
            self.fields[self.row_name(index, "lower")] = self.bound_field(f"De (€), tranche {number}")
            self.fields[self.row_name(index, "upper")] = self.bound_field(f"Jusqu'à (€), tranche {number}")
            for key, value_field in self.value_fields(number):
                self.fields[self.row_name(index, key)] = value_field
        if data is not None:
            self.data["rows"] = str(self.row_total)

    @staticmethod
    def row_name(index: int, key: str) -> str:
        return f"tranche-{index}-{key}"

    @property
    def can_add_row(self) -> bool:
        return self.row_total < self.max_rows

    def bound_field(self, label: str) -> forms.Field:
        return quotient_field(label)

    def value_keys(self) -> list[str]:
        return [key for key, _ in self.value_fields(1)]

    def value_fields(self, number: int) -> list[tuple[str, forms.Field]]:
        raise NotImplementedError

    def row_keys(self) -> list[str]:
        return ["lower", "upper", *self.value_keys()]

    def _compact(self, data):
        """Drop the blank rows of the submitted data and renumber the others from 0, in order."""
        try:
            count = max(0, min(int(data.get("rows") or 0), self.max_rows))
        except (TypeError, ValueError):
            count = 0
        self.posted_rows = count
        keys = self.row_keys()
        compacted = {
            name: value for name, value in data.items() if not name.startswith("tranche-") and name != "rows"
        }
        filled = 0
        for index in range(count):
            values = {key: (data.get(self.row_name(index, key)) or "").strip() for key in keys}
            if any(values.values()):
                for key, value in values.items():
                    compacted[self.row_name(filled, key)] = value
                filled += 1
        return compacted, filled

    def with_more_rows(self) -> BracketGridForm:
        """The same table, not checked, with one more blank row (« Ajouter une tranche » without JS)."""
        initial = {
            name: value
            for name, value in self.data.items()
            if not name.startswith("tranche-") and name != "rows"
        }
        rows = [
            {key: self.data.get(self.row_name(index, key), "") for key in self.row_keys()}
            for index in range(self.filled)
        ]
        blank = max(self.posted_rows - self.filled, 0)
        return type(self)(initial=initial, initial_rows=rows, extra=blank + 1, **self._extra_kwargs())

    def _extra_kwargs(self) -> dict:
        return {}

    def _row_fields(self, index: int) -> list[str]:
        return [self.row_name(index, key) for key in self.row_keys()]

    def clean(self):
        cleaned = super().clean()
        for index in range(self.filled):
            lower = self.row_name(index, "lower")
            if cleaned.get(lower) is None and lower not in self.errors:
                self.add_error(lower, "Indiquez le début de la tranche (0 pour la première).")
        return cleaned

    def add_row_errors(self, errors: dict[int, str]) -> None:
        """Show a service's messages (GridInvalid) on their rows; -1 is about the whole grid."""
        for index, message in errors.items():
            if index < 0 or index >= self.row_total:
                self.add_error(None, message)
            else:
                self.row_errors.setdefault(index, []).append(message)
        self._mark_rows()

    def full_clean(self):
        super().full_clean()
        self._mark_rows()

    def _mark_rows(self):
        if not hasattr(self, "_errors") or self._errors is None:
            return
        for index in range(self.row_total):
            names = self._row_fields(index)
            # A row a service refused is wrong as a whole; otherwise only its fields that failed.
            wrong = names if index in self.row_errors else [n for n in names if n in self._errors]
            for name in wrong:
                widget = self.fields[name].widget
                widget.attrs = {**widget.attrs, "aria-invalid": "true"}
                widget.attrs["aria-describedby"] = self.row_error_id(index)

    def row_error_id(self, index: int) -> str:
        return f"tranche-{index}-erreurs"

    def grid_rows(self) -> list[GridRowView]:
        result = []
        for index in range(self.row_total):
            errors = list(self.row_errors.get(index, []))
            if self.is_bound:
                for name in self._row_fields(index):
                    for error in self.errors.get(name, []):
                        errors.append(f"{self.fields[name].label} : {error}")
            result.append(
                GridRowView(
                    index=index,
                    number=index + 1,
                    lower=self[self.row_name(index, "lower")],
                    upper=self[self.row_name(index, "upper")],
                    values=[self[self.row_name(index, key)] for key in self.value_keys()],
                    errors=errors,
                    error_id=self.row_error_id(index),
                )
            )
        return result

    def summary(self) -> list[tuple[str | None, str]]:
        """The error summary: (id of the field to go to, message), rows in the order shown."""
        if not self.is_bound:
            return []
        items: list[tuple[str | None, str]] = [(None, str(e)) for e in self.non_field_errors()]
        row_names = set()
        for index in range(self.row_total):
            names = self._row_fields(index)
            row_names.update(names)
            for message in self.row_errors.get(index, []):
                items.append((self[names[0]].id_for_label, message))
            for name in names:
                for error in self.errors.get(name, []):
                    items.append((self[name].id_for_label, f"{self.fields[name].label} : {error}"))
        for name, errors in self.errors.items():
            if name in self.fields and name not in row_names:
                for error in errors:
                    items.append((self[name].id_for_label, f"{self.fields[name].label} : {error}"))
        return items

    def bracket(self, index: int) -> tuple[int, int | None]:
        return self.cleaned_data[self.row_name(index, "lower")], self.cleaned_data[
            self.row_name(index, "upper")
        ]


# --- tariff grids ----------------------------------------------------------------------------------
#
# A grid is edited in two parts on one page: its rules (GridRulesForm: method, price columns, child
# rank, large families, daily cap) shape the table of prices (TariffGridForm: one table per price
# column and rank, a row per bracket, the inputs the method needs per unit). « Appliquer ces règles »
# redraws the table with the new rules and keeps what was typed, without JavaScript.

Method = TariffGrid.Method
RankMode = TariffGrid.RankMode
Kind = TariffColumn.Kind
# The columns a director may add to the base one, in the order the grid shows them by default.
OPTIONAL_COLUMNS = [kind for kind, _label in Kind.choices if kind != Kind.BASE]
# What a cell holds per method: (key, label on screen). « prix » is the price, the floor or the
# minimum and « max » the ceiling or the maximum, so that switching method keeps the typed amounts.
CELL_INPUTS = {
    Method.BRACKETS: [("prix", "Prix")],
    Method.EFFORT_RATE: [("taux", "Taux d'effort (%)"), ("prix", "Plancher"), ("max", "Plafond")],
    Method.LINEAR: [("prix", "Minimum"), ("max", "Maximum")],
}


def rank_label(rank: int, rank_count: int) -> str:
    if rank == 1:
        return "1er enfant"
    return f"{rank}e enfant{' et plus' if rank == rank_count else ''}"


@dataclass(frozen=True)
class GridShape:
    """What the table of prices looks like: the method's inputs, the columns and the ranks."""

    method: str = Method.BRACKETS
    columns: tuple[str, ...] = (Kind.BASE,)
    rank_count: int = 1  # 1 unless the grid has a price per rank

    @property
    def ranks(self) -> range:
        return range(1, self.rank_count + 1)

    @property
    def inputs(self) -> list[tuple[str, str]]:
        return CELL_INPUTS.get(self.method, CELL_INPUTS[Method.BRACKETS])

    @property
    def signature(self) -> str:
        """Sent back with the table, so the page knows which rules the typed amounts were drawn with."""
        return f"{self.method}|{','.join(self.columns)}|{self.rank_count}"

    @classmethod
    def parse(cls, text: str | None) -> GridShape | None:
        try:
            method, columns, rank_count = (text or "").split("|")
            kinds = tuple(columns.split(","))
            count = int(rank_count)
        except ValueError:
            return None
        if method not in CELL_INPUTS or not set(kinds) <= set(Kind.values) or not 1 <= count <= 4:
            return None
        return cls(method=method, columns=kinds, rank_count=count)


def rate_field(label: str) -> EurosField:
    return EurosField(
        label=label,
        max_digits=9,
        decimal_places=5,
        error_messages={
            "invalid": "Saisissez un taux en pourcentage, par exemple 0,85.",
            "max_decimal_places": "Cinq chiffres après la virgule au plus.",
            "max_digits": "Ce taux est trop élevé : c'est un pourcentage du quotient.",
            "max_whole_digits": "Ce taux est trop élevé : c'est un pourcentage du quotient.",
        },
    )


class GridRulesForm(AccessibleFormMixin, forms.Form):
    method = forms.ChoiceField(
        label="Calcul du prix",
        choices=Method.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choisissez comment le prix est calculé.",
            "invalid_choice": "Choisissez un calcul.",
        },
    )
    columns = forms.MultipleChoiceField(
        label="Colonnes de prix en plus du tarif de base",
        choices=[(kind, Kind(kind).label) for kind in OPTIONAL_COLUMNS],
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Le tarif de base s'applique toujours aux familles qu'aucune autre colonne ne concerne.",
        error_messages={"invalid_choice": "Choisissez parmi les colonnes proposées."},
    )
    column_choice = forms.ChoiceField(
        label="Quand plusieurs colonnes s'appliquent à une famille",
        choices=TariffGrid.ColumnChoice.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choisissez la colonne qui s'applique.",
            "invalid_choice": "Choisissez une règle.",
        },
    )
    rank_mode = forms.ChoiceField(
        label="Rang de l'enfant",
        choices=RankMode.choices,
        widget=forms.RadioSelect,
        help_text="Le rang compte les enfants du foyer inscrits sur la période, de l'aîné au plus jeune.",
        error_messages={
            "required": "Choisissez une règle de rang.",
            "invalid_choice": "Choisissez une règle.",
        },
    )
    rank_count = forms.TypedChoiceField(
        label="Nombre de rangs (prix par rang)",
        choices=[
            (2, "2 : 1er, 2e et plus"),
            (3, "3 : 1er, 2e, 3e et plus"),
            (4, "4 : 1er, 2e, 3e, 4e et plus"),
        ],
        coerce=int,
        required=False,
        error_messages={"invalid_choice": "De 2 à 4 rangs."},
    )
    second_child_reduction = PercentField(label="Réduction pour le 2e enfant (%)")
    third_child_reduction = PercentField(label="Réduction pour le 3e enfant (%)")
    fourth_child_reduction = PercentField(
        label="Réduction à partir du 4e enfant (%)", help_text="Vide : la même que pour le 3e enfant."
    )
    large_family_children = forms.IntegerField(
        label="Familles nombreuses : à partir de combien d'enfants à charge",
        required=False,
        min_value=2,
        max_value=20,
        help_text="Ces familles paient la tranche du dessous (grille par tranches). Vide : pas de règle.",
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "size": 3}),
        error_messages={
            "invalid": "Saisissez un nombre d'enfants, par exemple 3.",
            "min_value": "Une famille nombreuse compte au moins 2 enfants à charge.",
            "max_value": "Au plus 20 enfants : vérifiez le nombre.",
        },
    )
    daily_cap_unit = forms.TypedChoiceField(
        label="Plafond par jour",
        coerce=int,
        required=False,
        empty_value=None,
        help_text=(
            "Les unités réservées un même jour ne coûtent jamais plus que cette unité (deux demi-journées "
            "pas plus qu'une journée). Les repas ne comptent pas."
        ),
        error_messages={"invalid_choice": "Choisissez une unité de l'activité."},
    )

    def __init__(self, data=None, *, units, **kwargs):
        super().__init__(data, **kwargs)
        self.units = list(units)
        self.fields["daily_cap_unit"].choices = [("", "Pas de plafond")] + [
            (u.pk, u.name) for u in self.units
        ]
        for kind in OPTIONAL_COLUMNS:
            self.fields[f"ordre_{kind}"] = forms.IntegerField(
                label=f"Ordre de la colonne « {Kind(kind).label} »",
                required=False,
                min_value=1,
                max_value=9,
                widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "size": 2}),
                error_messages={
                    "invalid": "Un numéro d'ordre, par exemple 1.",
                    "min_value": "De 1 à 9.",
                    "max_value": "De 1 à 9.",
                },
            )

    @classmethod
    def initial_of(cls, spec) -> dict:
        optional = [kind for kind in spec.columns if kind != Kind.BASE]
        initial = {
            "method": spec.method,
            "columns": optional,
            "column_choice": spec.column_choice,
            "rank_mode": spec.rank_mode,
            "rank_count": spec.rank_count if spec.rank_mode == RankMode.PRICE else 2,
            "second_child_reduction": spec.second_child_reduction,
            "third_child_reduction": spec.third_child_reduction,
            "fourth_child_reduction": spec.fourth_child_reduction,
            "large_family_children": spec.large_family_children,
            "daily_cap_unit": spec.daily_cap_unit_id,
        }
        for position, kind in enumerate(optional, start=1):
            initial[f"ordre_{kind}"] = position
        return initial

    def column_order_fields(self):
        return [(kind, self[f"ordre_{kind}"]) for kind in OPTIONAL_COLUMNS]

    def _value(self, name, default):
        """A rule as typed when it is valid, else as the form started: the table keeps a shape."""
        if self.is_bound and hasattr(self, "cleaned_data") and name in self.cleaned_data:
            value = self.cleaned_data[name]
            return default if value in (None, "") else value
        value = self.initial.get(name, self.fields[name].initial)
        return default if value in (None, "") else value

    def chosen_columns(self) -> list[str]:
        chosen = [kind for kind in self._value("columns", []) if kind in OPTIONAL_COLUMNS]
        default = {kind: i + 1 for i, kind in enumerate(OPTIONAL_COLUMNS)}
        chosen.sort(
            key=lambda kind: (self._value(f"ordre_{kind}", default[kind]), OPTIONAL_COLUMNS.index(kind))
        )
        return [Kind.BASE, *chosen]

    def shape(self) -> GridShape:
        if self.is_bound and not hasattr(self, "cleaned_data"):
            self.is_valid()
        rank_mode = self._value("rank_mode", RankMode.NONE)
        return GridShape(
            method=self._value("method", Method.BRACKETS),
            columns=tuple(self.chosen_columns()),
            rank_count=int(self._value("rank_count", 2)) if rank_mode == RankMode.PRICE else 1,
        )

    def rules(self) -> dict:
        """The rules as GridSpec takes them (call after is_valid)."""
        data = self.cleaned_data
        rank_mode = data["rank_mode"]
        return {
            "method": data["method"],
            "columns": self.chosen_columns(),
            "column_choice": data["column_choice"],
            "rank_mode": rank_mode,
            "rank_count": (data.get("rank_count") or 2) if rank_mode == RankMode.PRICE else 1,
            "second_child_reduction": data.get("second_child_reduction") or Decimal(0),
            "third_child_reduction": data.get("third_child_reduction") or Decimal(0),
            "fourth_child_reduction": data.get("fourth_child_reduction"),
            "large_family_children": data.get("large_family_children"),
            "daily_cap_unit_id": data.get("daily_cap_unit"),
        }


@dataclass(frozen=True)
class CellInput:
    id: str
    name: str
    label: str
    value: str
    invalid: bool = False
    described_by: str = ""


@dataclass
class PriceTable:
    """One table of the editor: the prices of one column (and one rank), a row per bracket."""

    id: str
    caption: str
    rows: list = field(default_factory=list)  # [(GridRowView, [CellInput, one per unit and input])]


class TariffGridForm(BracketGridForm):
    """The brackets (with cents) and the cells of a grid, shaped by its rules (`shape`)."""

    max_rows = MAX_BRACKETS

    def __init__(self, data=None, *, units, shape: GridShape, **kwargs):
        self.units = list(units)
        self.shape = shape
        super().__init__(data, **kwargs)

    def _extra_kwargs(self):
        return {"units": self.units, "shape": self.shape}

    def bound_field(self, label):
        return EurosField(
            label=label,
            max_digits=9,
            min_value=Decimal(0),
            max_value=MAX_FAMILY_QUOTIENT,
            error_messages={
                "invalid": "Saisissez un quotient en euros, par exemple 308,01.",
                "min_value": "Le quotient ne peut pas être négatif.",
                "max_value": FAMILY_QUOTIENT_TOO_HIGH,
            },
        )

    @staticmethod
    def cell_key(unit_id: int, column: str, rank: int, key: str) -> str:
        return f"{unit_id}-{column}-{rank}-{key}"

    def _cell_label(self, what: str, unit, number: int, column: str, rank: int) -> str:
        label = f"{what} {unit.name}, tranche {number}, colonne {Kind(column).label}"
        if self.shape.rank_count > 1:
            label += f", {rank_label(rank, self.shape.rank_count)}"
        return label

    def value_fields(self, number):
        result = []
        for column in self.shape.columns:
            for rank in self.shape.ranks:
                for unit in self.units:
                    for key, what in self.shape.inputs:
                        label = self._cell_label(what, unit, number, column, rank)
                        value_field = rate_field(label) if key == "taux" else EurosField(label=label)
                        result.append((self.cell_key(unit.pk, column, rank, key), value_field))
        return result

    @property
    def column_count(self) -> int:
        return 3

    def reshaped(self, shape: GridShape, extra: int = 0) -> TariffGridForm:
        """The same brackets and amounts, not checked, drawn with other rules (or one more row)."""
        initial_rows = [
            {
                name[len(self.row_name(index, "")) :]: value
                for name, value in self.data.items()
                if name.startswith(self.row_name(index, ""))
            }
            for index in range(self.filled)
        ]
        blank = max(self.posted_rows - self.filled, 0) if extra else BLANK_ROWS
        return type(self)(initial_rows=initial_rows, extra=blank + extra, units=self.units, shape=shape)

    def tables(self) -> list[PriceTable]:
        rows = self.grid_rows()
        result = []
        for column in self.shape.columns:
            for rank in self.shape.ranks:
                caption = f"Colonne « {Kind(column).label} »"
                if self.shape.rank_count > 1:
                    caption += f", {rank_label(rank, self.shape.rank_count)}"
                table = PriceTable(id=f"prix-{column}-{rank}", caption=caption)
                for row in rows:
                    cells = [
                        self._cell_input(row.index, self.cell_key(unit.pk, column, rank, key))
                        for unit in self.units
                        for key, _what in self.shape.inputs
                    ]
                    table.rows.append((row, cells))
                result.append(table)
        return result

    def _cell_input(self, index: int, key: str) -> CellInput:
        """What the template needs to draw one price input. A 40-bracket grid of 6 units has thousands
        of inputs: drawn from these plain values, not through a widget template each, the page stays
        quick to serve."""
        bound = self[self.row_name(index, key)]
        attrs = bound.field.widget.attrs
        return CellInput(
            id=bound.auto_id,
            name=bound.html_name,
            label=bound.label,
            value=bound.field.widget.format_value(bound.value()) or "",
            invalid=attrs.get("aria-invalid") == "true",
            described_by=attrs.get("aria-describedby", ""),
        )

    def brackets(self) -> list[tuple[Decimal, Decimal | None]]:
        return [self.bracket(index) for index in range(self.filled)]

    def cells(self) -> dict:
        """The typed cells as GridSpec takes them (call after is_valid); a cell left blank is absent."""
        data = self.cleaned_data
        result = {}
        for index in range(self.filled):
            for column in self.shape.columns:
                for rank in self.shape.ranks:
                    for unit in self.units:
                        values = {
                            key: data.get(self.row_name(index, self.cell_key(unit.pk, column, rank, key)))
                            for key, _what in self.shape.inputs
                        }
                        if all(value is None for value in values.values()):
                            continue
                        result[(index, unit.pk, column, rank)] = Cell(
                            price=values.get("prix"), price_max=values.get("max"), rate=values.get("taux")
                        )
        return result

    @staticmethod
    def initial_rows(spec) -> list[dict]:
        """A saved grid (GridSpec) as rows of the form."""
        rows = [{"lower": lower, "upper": upper} for lower, upper in spec.brackets]
        for (row, unit_id, column, rank), cell in spec.cells.items():
            values = rows[row]
            values[TariffGridForm.cell_key(unit_id, column, rank, "prix")] = cell.price
            if cell.price_max is not None:
                values[TariffGridForm.cell_key(unit_id, column, rank, "max")] = cell.price_max
            if cell.rate is not None:
                values[TariffGridForm.cell_key(unit_id, column, rank, "taux")] = cell.rate.normalize()
        return rows


class MembershipGridForm(BracketGridForm):
    membership_basis = forms.ChoiceField(
        label="L'adhésion se paie",
        choices=Season.MembershipBasis.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choisissez si l'adhésion se paie par foyer ou par personne."},
    )

    def value_fields(self, number):
        return [("montant", EurosField(label=f"Montant (€), tranche {number}"))]

    def fees(self) -> list[tuple[int, int | None, Decimal | None]]:
        return [
            (*self.bracket(index), self.cleaned_data.get(self.row_name(index, "montant")))
            for index in range(self.filled)
        ]


# --- aids, fixed fees, commune lists ---------------------------------------------------------------


class TariffAidForm(AccessibleFormMixin, forms.ModelForm):
    """An aid deducted from the fee, with its amount (or rate) for each unit of the activity."""

    class Meta:
        model = TariffAid
        fields = ["name", "funder", "max_quotient", "mode"]
        widgets = {
            "max_quotient": forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off", "size": 8}),
            "mode": forms.RadioSelect,
        }
        error_messages = {
            "name": {"required": "Donnez un nom à l'aide, par exemple « Aide aux temps libres CAF »."},
            "funder": {"required": "Dites quelles familles y ont droit.", "invalid_choice": "Choisissez."},
            "mode": {"required": "Choisissez un montant ou un pourcentage.", "invalid_choice": "Choisissez."},
            "max_quotient": {
                "invalid": "Saisissez un quotient en euros, par exemple 700.",
                "max_digits": FAMILY_QUOTIENT_TOO_HIGH,
                "max_whole_digits": FAMILY_QUOTIENT_TOO_HIGH,
                "max_decimal_places": "Deux chiffres après la virgule au plus.",
            },
        }

    def __init__(self, *args, units, amounts=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.units = list(units)
        self.fields["max_quotient"].localize = True
        self.fields["max_quotient"].widget.is_localized = True
        for unit in self.units:
            self.fields[f"montant-{unit.pk}"] = EurosField(
                label=f"Déduction pour « {unit.name} » (€ ou %)",
                min_value=Decimal(0),
                initial=(amounts or {}).get(unit.pk),
                help_text="Vide : pas d'aide sur cette unité.",
                error_messages={"min_value": "Une aide ne peut pas être négative."},
            )

    def clean_max_quotient(self):
        value = self.cleaned_data.get("max_quotient")
        if value is not None and not Decimal(0) <= value <= MAX_FAMILY_QUOTIENT:
            raise forms.ValidationError(
                "Le quotient ne peut pas être négatif." if value < 0 else FAMILY_QUOTIENT_TOO_HIGH
            )
        return value

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("mode") == TariffAid.Mode.RATE:
            for unit in self.units:
                value = cleaned.get(f"montant-{unit.pk}")
                if value is not None and value > 100:
                    self.add_error(f"montant-{unit.pk}", "Un pourcentage du prix, au plus 100.")
        if not self.errors and all(cleaned.get(f"montant-{u.pk}") is None for u in self.units):
            self.add_error(None, "Indiquez la déduction d'au moins une unité.")
        return cleaned

    def amounts(self) -> dict[int, Decimal]:
        return {
            unit.pk: self.cleaned_data[f"montant-{unit.pk}"]
            for unit in self.units
            if self.cleaned_data.get(f"montant-{unit.pk}") is not None
        }


class TariffFeesForm(AccessibleFormMixin, forms.Form):
    """The activity's fixed fees, one line per kind: an amount left blank means no such fee."""

    def __init__(self, *args, fees, **kwargs):
        super().__init__(*args, **kwargs)
        saved = {fee.kind: fee for fee in fees}
        for kind, label in TariffFee.Kind.choices:
            fee = saved.get(kind)
            self.fields[f"{kind}-amount"] = EurosField(
                label=f"{label} (€)",
                min_value=Decimal(0),
                initial=fee.amount if fee else None,
                help_text="Vide : pas de frais de ce type.",
                error_messages={"min_value": "Un montant ne peut pas être négatif."},
            )
            self.fields[f"{kind}-name"] = forms.CharField(
                label=f"Libellé sur le détail du montant ({label.lower()})",
                required=False,
                max_length=150,
                initial=fee.name if fee else "",
                help_text="Vide : le type de frais.",
            )

    def fees(self) -> dict[str, tuple[str, Decimal | None]]:
        data = self.cleaned_data
        return {
            kind: ((data.get(f"{kind}-name") or "").strip() or str(label), data.get(f"{kind}-amount"))
            for kind, label in TariffFee.Kind.choices
        }


class CommuneListForm(AccessibleFormMixin, forms.ModelForm):
    class Meta:
        model = CommuneList
        fields = ["name", "communes"]
        widgets = {"communes": forms.Textarea(attrs={"rows": 8})}
        help_texts = {
            "name": "Par exemple « Communauté de communes du Pays de … ».",
            "communes": "Une commune par ligne, comme les familles l'écrivent dans leur adresse.",
        }
        error_messages = {
            "name": {"required": "Donnez un nom à la liste."},
            "communes": {"required": "Indiquez au moins une commune."},
        }

    def clean_communes(self):
        lines = [line.strip() for line in self.cleaned_data.get("communes", "").splitlines()]
        kept = "\n".join(line for line in lines if line)
        if not kept:
            raise forms.ValidationError("Indiquez au moins une commune.")
        return kept

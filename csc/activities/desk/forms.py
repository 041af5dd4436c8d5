"""The desk registration's forms: plain posts, no JavaScript needed."""

from __future__ import annotations

from django import forms

from csc.core.forms import AccessibleFormMixin


class ChooseForm(AccessibleFormMixin, forms.Form):
    """Step 1: which child, which period."""

    enfant = forms.TypedChoiceField(
        label="Enfant",
        coerce=int,
        error_messages={
            "required": "Choisissez l'enfant.",
            "invalid_choice": "Choisissez un enfant du foyer.",
        },
    )
    periode = forms.TypedChoiceField(
        label="Activité et période",
        coerce=int,
        error_messages={
            "required": "Choisissez la période.",
            "invalid_choice": "Choisissez une des périodes proposées.",
        },
    )

    def __init__(self, *args, children, periods, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enfant"].choices = [("", "—")] + [
            (c.pk, f"{c.first_name} {c.last_name}" + (f" ({c.birth_date:%d/%m/%Y})" if c.birth_date else ""))
            for c in children
        ]
        self.fields["periode"].choices = [("", "—")] + [
            (p.pk, f"{p.activity.name} — {p.name}") for p in periods
        ]


class BookingForm(AccessibleFormMixin, forms.Form):
    """Step 2: the group and the units booked, as « day id-unit id » values of the table's boxes."""

    groupe = forms.TypedChoiceField(
        label="Groupe",
        coerce=int,
        help_text="Proposé d'après l'âge de l'enfant à la date de référence de l'activité.",
        error_messages={"required": "Choisissez le groupe.", "invalid_choice": "Choisissez un des groupes."},
    )
    reservations = forms.MultipleChoiceField(
        label="Jours et unités",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Un des jours cochés n'appartient pas à la période."},
    )

    def __init__(self, *args, grid, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["groupe"].choices = [(g.pk, g.name) for g in grid.groups]
        self.fields["reservations"].choices = [
            (f"{day.pk}-{unit.pk}", f"{unit.name} le {day.date:%d/%m/%Y}")
            for day in grid.days
            for unit in grid.units
        ]

    def clean_reservations(self):
        values = self.cleaned_data["reservations"]
        if not values:
            raise forms.ValidationError("Cochez au moins une unité sur un jour.")
        return sorted(tuple(int(part) for part in value.split("-")) for value in values)

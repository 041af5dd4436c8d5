"""The staff form of a directory entry: what the structure is and offers, where, how to reach it, and
its week of opening hours (two intervals a day, like a door notice)."""

from __future__ import annotations

from django import forms
from django.core import signing

from csc.core.forms import AccessibleFormMixin
from csc.core.validators import normalize_phone

from .models import ServiceCategory, Structure
from .services import FIELDS, MAX_INTERVALS, WEEKDAYS, DirectoryRefused, check_website, edit_values

TIME_INPUT = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
TIME_ERRORS = {"invalid": "Saisissez une heure, par exemple 09:00."}


class StructureForm(AccessibleFormMixin, forms.ModelForm):
    # « www.caf.fr » typed without its scheme becomes https://www.caf.fr.
    website = forms.URLField(
        label="Site internet",
        required=False,
        max_length=300,
        assume_scheme="https",
        help_text="Commence par https://",
    )
    categories = forms.ModelMultipleChoiceField(
        label="Ce qu'on y trouve",
        queryset=ServiceCategory.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Le kiosque montre en premier les lieux qui aident aux démarches en ligne.",
    )

    class Meta:
        model = Structure
        fields = [
            "name",
            "kind",
            "description",
            "categories",
            "address",
            "postcode",
            "city",
            "latitude",
            "longitude",
            "phone",
            "email",
            "website",
            "hours_note",
        ]
        # The same labels as the corrections' pages, which name each field a centre proposes to change.
        labels = {
            name: FIELDS[name]
            for name in (
                "name",
                "kind",
                "description",
                "address",
                "postcode",
                "city",
                "latitude",
                "longitude",
                "phone",
                "email",
                "hours_note",
            )
        }
        help_texts = {
            "description": "En mots simples : « Aide pour la CAF, les impôts et la carte grise, "
            "sans rendez-vous ».",
            "latitude": "Pour classer les lieux du plus proche au plus loin. Sur openstreetmap.org, "
            "clic droit sur le lieu puis « Afficher l'adresse » : le premier nombre est la latitude "
            "(50.63…).",
            "longitude": "Le second nombre (3.06…).",
            "hours_note": "Par exemple « Fermé en août » ou « Sur rendez-vous le jeudi ».",
        }
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "latitude": forms.NumberInput(attrs={"step": "0.00001", "inputmode": "decimal"}),
            "longitude": forms.NumberInput(attrs={"step": "0.00001", "inputmode": "decimal"}),
            "phone": forms.TextInput(attrs={"autocomplete": "off", "inputmode": "tel"}),
        }
        error_messages = {
            "name": {"required": "Écrivez le nom de la structure."},
            "city": {"required": "Écrivez la commune."},
            "latitude": {"invalid": "Écrivez la latitude avec un point : 50.63183."},
            "longitude": {"invalid": "Écrivez la longitude avec un point : 3.06339."},
        }

    def clean_phone(self):
        return normalize_phone(self.cleaned_data.get("phone"))

    def clean_website(self):
        try:
            return check_website(self.cleaned_data.get("website"))
        except DirectoryRefused as refused:
            raise forms.ValidationError(str(refused)) from None

    def clean(self):
        data = super().clean()
        if (data.get("latitude") is None) != (data.get("longitude") is None):
            raise forms.ValidationError("Donnez la latitude et la longitude ensemble, ou aucune des deux.")
        return data


# The edit page sends back what it showed of the entry (`vu`), so that saving compares it with the entry
# as it is then (services.save_structure). Signed: read back only as this page wrote it.
SEEN_SALT = "directory.structure_edit"
MAX_SEEN = 16_384


def seen_token(structure: Structure) -> str:
    """Signed for this entry only: another entry's page cannot pass for this one's."""
    return signing.dumps(edit_values(structure), salt=f"{SEEN_SALT}:{structure.pk}", compress=True)


def read_seen(token: str, structure: Structure) -> dict | None:
    """What the page showed, or None for a value this entry's page did not write (missing, altered,
    too long)."""
    if not token or len(token) > MAX_SEEN:
        return None
    try:
        seen = signing.loads(token, salt=f"{SEEN_SALT}:{structure.pk}")
    except signing.BadSignature:
        return None
    return seen if isinstance(seen, dict) else None


class HoursForm(AccessibleFormMixin, forms.Form):
    """Seven days × two intervals: `lundi_1_ouvre`, `lundi_1_ferme`, `lundi_2_ouvre`…"""

    def __init__(self, *args, structure: Structure | None = None, **kwargs):
        from .services import intervals_on

        initial = kwargs.pop("initial", None) or {}
        if structure is not None and structure.pk:
            for weekday, day in enumerate(WEEKDAYS):
                for index, (opens, closes) in enumerate(intervals_on(structure, weekday), start=1):
                    initial[f"{day}_{index}_ouvre"] = opens
                    initial[f"{day}_{index}_ferme"] = closes
        super().__init__(*args, initial=initial, **kwargs)
        for day in WEEKDAYS:
            for index in range(1, MAX_INTERVALS + 1):
                which = "le matin" if index == 1 else "l'après-midi"
                self.fields[f"{day}_{index}_ouvre"] = forms.TimeField(
                    label=f"{day.capitalize()}, {which} : ouverture",
                    required=False,
                    widget=TIME_INPUT,
                    error_messages=TIME_ERRORS,
                )
                self.fields[f"{day}_{index}_ferme"] = forms.TimeField(
                    label=f"{day.capitalize()}, {which} : fermeture",
                    required=False,
                    widget=TIME_INPUT,
                    error_messages=TIME_ERRORS,
                )

    def rows(self):
        """For the template: a row per day with its fields in order."""
        return [
            (
                day,
                [
                    (self[f"{day}_{index}_ouvre"], self[f"{day}_{index}_ferme"])
                    for index in range(1, MAX_INTERVALS + 1)
                ],
            )
            for day in WEEKDAYS
        ]

    def clean(self):
        data = super().clean()
        for day in WEEKDAYS:
            for index in range(1, MAX_INTERVALS + 1):
                opens, closes = data.get(f"{day}_{index}_ouvre"), data.get(f"{day}_{index}_ferme")
                if (opens is None) != (closes is None) and not self.has_error(f"{day}_{index}_ouvre"):
                    missing = f"{day}_{index}_ferme" if closes is None else f"{day}_{index}_ouvre"
                    self.add_error(missing, "Donnez l'heure d'ouverture et l'heure de fermeture.")
        return data

    def week(self):
        data = self.cleaned_data
        week = []
        for day in WEEKDAYS:
            intervals = []
            for index in range(1, MAX_INTERVALS + 1):
                opens, closes = data.get(f"{day}_{index}_ouvre"), data.get(f"{day}_{index}_ferme")
                if opens is not None and closes is not None:
                    intervals.append((opens, closes))
            week.append(intervals)
        return week


class CorrectionCommentForm(AccessibleFormMixin, forms.Form):
    """What the proposing centre adds to its correction: where it saw the right information."""

    comment = forms.CharField(
        label="Un mot pour le centre qui tient la fiche",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Facultatif. Par exemple « Horaires lus sur leur porte le 3 décembre ».",
        error_messages={"max_length": "Le message tient en 1 000 caractères au plus."},
    )


class RefuseCorrectionForm(AccessibleFormMixin, forms.Form):
    reason = forms.CharField(
        label="Pourquoi refusez-vous cette correction ?",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Le centre qui l'a proposée lira ce message.",
        error_messages={
            "required": "Dites en quelques mots pourquoi vous refusez : le centre qui propose le lira.",
            "max_length": "La raison tient en 500 caractères au plus.",
        },
    )

"""Forms of the activity sheets: the sheet itself, a photo or document, a comment, and the search.

The sheet form checks what can be said next to a field (ages, sizes, durations); what publishing asks
for is the service's rule (`sheets.missing_for_publication`), since a draft may be incomplete.
"""

from __future__ import annotations

import copy

from django import forms

from csc.core.cleaning import CleanTextMixin
from csc.core.forms import AccessibleFormMixin

from .models import ActivitySheet, Objective
from .sheets import CONTENT_FIELDS, MAX_COMMENT_LENGTH

MAX_AGE = 99
MAX_MINUTES = 1440
MAX_GROUP = 500
LONG_TEXT = 10_000


def _long_text(label: str, rows: int, help_text: str) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        max_length=LONG_TEXT,
        widget=forms.Textarea(attrs={"rows": rows}),
        help_text=help_text,
        error_messages={"max_length": "10 000 caractères au plus."},
    )


def _number(label: str, low: int, high: int, unit: str, help_text: str = "") -> forms.IntegerField:
    message = f"Saisissez un nombre entier entre {low} et {high}{unit}."
    return forms.IntegerField(
        label=label,
        required=False,
        min_value=low,
        max_value=high,
        help_text=help_text,
        error_messages={"invalid": message, "min_value": message, "max_value": message},
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": low, "max": high}),
    )


def refuse(form: forms.Form, name: str, message: str) -> None:
    """An error a service found after the form's own checks, linked to its field like the others."""
    form.add_error(name, message)
    field = form.fields[name]
    field.widget = copy.deepcopy(field.widget)
    field.widget.attrs["aria-invalid"] = "true"
    ids = [f"{form[name].auto_id}_helptext"] if field.help_text else []
    field.widget.attrs["aria-describedby"] = " ".join([*ids, f"{form.add_prefix(name)}-erreurs"])


class ObjectiveChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, objective):
        prefix = "Général" if objective.level == Objective.Level.GENERAL else "Opérationnel"
        return f"{prefix} — {objective.text}"


class SheetForm(AccessibleFormMixin, forms.Form):
    """A sheet as animators type it. `version` is the version the form was opened on: a save on an
    older version is a conflict with a colleague's change, never an overwrite."""

    title = forms.CharField(
        label="Titre",
        max_length=200,
        error_messages={
            "required": "Donnez un titre à la fiche, même provisoire.",
            "max_length": "200 caractères au plus.",
        },
    )
    summary = forms.CharField(
        label="En quelques mots",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Ce que les enfants vont faire et pourquoi, en deux ou trois phrases.",
        error_messages={"max_length": "1 000 caractères au plus."},
    )
    kind = forms.ChoiceField(
        label="Type d'activité",
        required=False,
        choices=[("", "— Choisir —"), *ActivitySheet.Kind.choices],
        error_messages={"invalid_choice": "Choisissez un type dans la liste."},
    )
    min_age = _number("Âge minimum (ans)", 0, MAX_AGE, " ans")
    max_age = _number("Âge maximum (ans)", 0, MAX_AGE, " ans")
    group_min = _number("Participants au moins", 1, MAX_GROUP, "")
    group_max = _number("Participants au plus", 1, MAX_GROUP, "")
    duration_minutes = _number("Durée (minutes)", 1, MAX_MINUTES, " minutes", "Une journée = 1440 minutes.")
    preparation_minutes = _number(
        "Préparation (minutes)", 0, MAX_MINUTES, " minutes", "Le temps de préparer avant l'activité."
    )
    materials = _long_text("Matériel", 5, "Un élément par ligne, par exemple « 2 pots de yaourt ».")
    steps = _long_text("Déroulement", 8, "Une étape par ligne, dans l'ordre.")
    variants = _long_text("Variantes", 3, "Pour les plus petits, les plus grands, s'il pleut…")
    safety_notes = _long_text("Sécurité", 3, "Allergies, outils coupants, encadrement nécessaire.")
    objectives = ObjectiveChoiceField(
        label="Objectifs servis",
        required=False,
        queryset=Objective.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text="Les objectifs du projet pédagogique de votre centre que cette activité sert.",
        error_messages={"invalid_choice": "Cet objectif n'est pas dans le projet de votre centre."},
    )
    visibility = forms.ChoiceField(
        label="Qui peut la lire",
        choices=ActivitySheet.Visibility.choices,
        initial=ActivitySheet.Visibility.CENTRE,
        widget=forms.RadioSelect,
        help_text="Une fiche « Tout le réseau » est lue par les autres centres une fois publiée.",
        error_messages={"required": "Choisissez qui peut lire la fiche.", "invalid_choice": "Choix inconnu."},
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)

    def __init__(self, *args, centre, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["objectives"].queryset = Objective.objects.filter(centre=centre).order_by(
            "position", "id"
        )

    def clean(self):
        data = super().clean()
        for low, high, message in (
            ("min_age", "max_age", "L'âge maximum doit être supérieur ou égal à l'âge minimum."),
            ("group_min", "group_max", "Le maximum de participants doit être au moins égal au minimum."),
        ):
            a, b = data.get(low), data.get(high)
            if a is not None and b is not None and a > b:
                self.add_error(high, message)
        return data

    @staticmethod
    def initial_for(sheet: ActivitySheet) -> dict:
        initial = {name: getattr(sheet, name) for name in SHEET_FIELDS}
        initial["objectives"] = [o.pk for o in sheet.objectives.all()]
        initial["version"] = sheet.version
        return initial


SHEET_FIELDS = (*CONTENT_FIELDS, "visibility")


class AttachmentForm(AccessibleFormMixin, forms.Form):
    """The file is checked by the service (by its content); here only that one was chosen."""

    file = forms.FileField(
        label="Photo ou document",
        help_text="Photo JPG ou PNG, ou document PDF ; 5 Mo au plus ; 10 pièces par fiche.",
        error_messages={
            "required": "Choisissez un fichier.",
            "empty": "Ce fichier est vide.",
            "invalid": "Ce fichier n'a pas pu être lu.",
        },
        widget=forms.ClearableFileInput(attrs={"accept": ".jpg,.jpeg,.png,.pdf"}),
    )
    name = forms.CharField(
        label="Légende ou nom (facultatif)",
        required=False,
        max_length=200,
        error_messages={"max_length": "200 caractères au plus."},
    )


class CommentForm(AccessibleFormMixin, forms.Form):
    text = forms.CharField(
        label="Votre commentaire",
        # The length is the service's check, after line breaks are counted as one character each.
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": MAX_COMMENT_LENGTH}),
        help_text="Une astuce, comment ça s'est passé avec votre groupe. 2 000 caractères au plus.",
        error_messages={
            "required": "Le commentaire est vide : écrivez quelques mots.",
        },
    )


SCOPES = [
    ("toutes", "Toutes les fiches"),
    ("centre", "Mon centre"),
    ("reseau", "Les autres centres du réseau"),
    ("favoris", "Mes favoris"),
    ("brouillons", "Mes brouillons"),
]


class SheetSearchForm(CleanTextMixin, forms.Form):
    """Rendered only: the view reads the values itself, so that a wrong one is set aside with a notice
    instead of emptying the whole search."""

    q = forms.CharField(
        label="Mots recherchés", required=False, widget=forms.TextInput(attrs={"type": "search"})
    )
    age = forms.CharField(
        label="Âge des enfants",
        required=False,
        widget=forms.NumberInput(attrs={"min": 0, "max": MAX_AGE, "inputmode": "numeric"}),
    )
    type = forms.ChoiceField(
        label="Type d'activité", required=False, choices=[("", "Tous"), *ActivitySheet.Kind.choices]
    )
    duree = forms.CharField(
        label="Durée au plus (minutes)",
        required=False,
        widget=forms.NumberInput(attrs={"min": 1, "max": MAX_MINUTES, "inputmode": "numeric"}),
    )
    materiel = forms.CharField(
        label="Matériel", required=False, help_text="Par exemple « carton » ou « peinture »."
    )
    objectif = forms.ChoiceField(label="Objectif de notre projet", required=False)
    portee = forms.ChoiceField(label="Parmi", required=False, choices=SCOPES)

    def __init__(self, *args, objectives, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["objectif"].choices = [("", "Tous")] + [(str(o.pk), o.text) for o in objectives]

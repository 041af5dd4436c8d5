"""Forms of the import of past attendance: the file sent, then the columns chosen and the confirmation."""

from __future__ import annotations

from django import forms

from csc.core.forms import AccessibleFormMixin

from .services import COLUMNS, MAX_FILE_BYTES, Mapping

NOT_IN_FILE = "— pas dans le fichier —"
ACCEPTED = ".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class UploadForm(AccessibleFormMixin, forms.Form):
    file = forms.FileField(
        label="Fichier des présences",
        help_text=(
            f"Un tableau CSV ou Excel (.xlsx) de {MAX_FILE_BYTES // 1024 // 1024} Mo au plus, avec les "
            "titres des colonnes sur la première ligne."
        ),
        error_messages={
            "required": "Choisissez le fichier à importer.",
            "empty": "Le fichier est vide.",
            "invalid": "Ce fichier n'a pas pu être reçu : envoyez-le à nouveau.",
        },
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPTED}),
    )


class MappingForm(AccessibleFormMixin, forms.Form):
    """One choice of column per kind of information, the activity of the whole file, and the
    confirmation that unknown people may be created."""

    def __init__(self, *args, headers: list[str], activities, new_people: int = 0, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", NOT_IN_FILE)] + [
            (str(index), header or f"Colonne {index + 1} (sans titre)")
            for index, header in enumerate(headers)
        ]
        for column in COLUMNS:
            self.fields[column.key] = forms.ChoiceField(
                label=f"Colonne « {column.label} »",
                choices=choices,
                required=False,
                help_text=column.help,
            )
        self.fields["activity_for_all"] = forms.ModelChoiceField(
            label="Ou une activité pour tout le fichier",
            queryset=activities,
            required=False,
            empty_label="— celle de la colonne « Activité » —",
            help_text="Quand le fichier ne contient que les présences d'une seule activité.",
        )
        self.fields["create_people"] = forms.BooleanField(
            label="Créer les personnes inconnues",
            required=False,
            help_text=(
                "Sans cette case, les lignes des personnes que le centre ne connaît pas encore ne sont pas "
                "importées : elles vont dans le rapport d'erreurs."
            ),
        )
        self.headers = headers
        self.announce_new_people(new_people)

    def announce_new_people(self, count: int) -> None:
        """Name in the confirmation how many people it creates, as the preview counted them."""
        self.fields["create_people"].label = (
            "Créer la personne inconnue" if count == 1 else f"Créer les {count} personnes inconnues"
        )

    @classmethod
    def initial_from(cls, mapping: Mapping) -> dict:
        initial = {key: str(index) for key, index in mapping.columns.items()}
        initial["activity_for_all"] = mapping.activity_id
        return initial

    def clean(self):
        cleaned = super().clean()
        for key in ("date", "last_name", "first_name"):
            if not cleaned.get(key):
                label = next(c.label for c in COLUMNS if c.key == key)
                self.add_error(key, f"Choisissez la colonne qui contient « {label} ».")
        if not cleaned.get("activity") and not cleaned.get("activity_for_all"):
            self.add_error(
                "activity", "Choisissez la colonne « Activité », ou une activité pour tout le fichier."
            )
        used: dict[str, str] = {}
        for column in COLUMNS:
            index = cleaned.get(column.key)
            if not index:
                continue
            if index in used:
                self.add_error(column.key, f"Cette colonne est déjà choisie pour « {used[index]} ».")
            else:
                used[index] = column.label
        return cleaned

    def mapping(self) -> Mapping:
        data = self.cleaned_data
        activity = data.get("activity_for_all")
        return Mapping(
            columns={column.key: int(data[column.key]) for column in COLUMNS if data.get(column.key)},
            activity_id=activity.pk if activity else None,
        )

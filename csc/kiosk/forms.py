"""Forms of the kiosk: the resident's three optional questions, and the staff's settings, local links,
help sheets and help log."""

from __future__ import annotations

from django import forms
from django.db.models import Q

from csc.core.cleaning import CleanTextMixin
from csc.core.forms import AccessibleFormMixin

from .models import AssistedProcedure, HelpSheet, Organisation, Procedure, SurveyAnswer, Theme, Tile
from .services import KioskRefused, check_link

MARKDOWN_HELP = (
    "Écrivez simplement. Une liste : une ligne par élément, commençant par « - ». Des étapes : « 1. », "
    "« 2. »… Du gras : **mot**. Un lien : [texte](https://…)."
)


class SurveyForm(CleanTextMixin, forms.Form):
    """Every question may be left blank: the survey is optional, question by question."""

    resultat = forms.ChoiceField(
        label="Avez-vous fait votre démarche ?",
        choices=SurveyAnswer.Outcome.choices,
        widget=forms.RadioSelect,
        required=False,
    )
    organisme = forms.ChoiceField(
        label="Pour quel organisme ?",
        choices=Organisation.choices,
        widget=forms.RadioSelect,
        required=False,
    )
    age = forms.ChoiceField(
        label="Votre âge", choices=SurveyAnswer.AgeBand.choices, widget=forms.RadioSelect, required=False
    )
    error_messages = {"invalid_choice": "Choisissez une des réponses proposées."}

    def answers(self) -> dict[str, str]:
        data = self.cleaned_data
        return {"outcome": data["resultat"], "organisation": data["organisme"], "age_band": data["age"]}


class KioskSettingsForm(AccessibleFormMixin, forms.Form):
    welcome_text = forms.CharField(
        label="Texte d'accueil",
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Deux phrases au plus, en mots simples. 500 caractères au maximum.",
    )
    idle_minutes = forms.IntegerField(
        label="Retour à l'accueil après (minutes sans activité)",
        min_value=1,
        max_value=60,
        help_text="Entre 1 et 60. La borne revient seule à sa page d'accueil et la visite suivante commence.",
        error_messages={
            "min_value": "Au moins 1 minute.",
            "max_value": "60 minutes au plus.",
            "invalid": "Écrivez un nombre de minutes, par exemple 3.",
            "required": "Indiquez un nombre de minutes, par exemple 3.",
        },
    )


class LocalLinkForm(AccessibleFormMixin, forms.Form):
    title = forms.CharField(
        label="Titre de la tuile",
        max_length=120,
        help_text="Ce que la personne lit : « Cantine scolaire de Lille », « Le site du centre ».",
        error_messages={"required": "Donnez un titre à la tuile."},
    )
    url = forms.CharField(
        label="Adresse du site",
        max_length=300,
        help_text="Commence par https:// (connexion sécurisée).",
        error_messages={"required": "Indiquez l'adresse du site, qui commence par https://."},
    )
    theme = forms.ModelChoiceField(
        label="Thème",
        queryset=Theme.objects.all(),
        empty_label=None,
        error_messages={"invalid_choice": "Choisissez un des thèmes de la liste."},
    )
    keywords = forms.CharField(
        label="Mots que les gens tapent pour la trouver",
        max_length=300,
        required=False,
        help_text="Séparés par des virgules : « cantine, périscolaire, inscription école ».",
    )

    def clean_url(self):
        try:
            return check_link(self.cleaned_data["url"])
        except KioskRefused as refused:
            raise forms.ValidationError(str(refused)) from None


class AddProceduresForm(CleanTextMixin, forms.Form):
    procedures = forms.ModelMultipleChoiceField(
        label="Démarches du catalogue à ajouter",
        queryset=Procedure.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Cochez au moins une démarche.",
            "invalid_choice": "Cette démarche n'est plus proposée.",
            "invalid_pk_value": "Cette démarche n'est plus proposée.",
        },
    )

    def __init__(self, *args, available: list[Procedure], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["procedures"].queryset = Procedure.objects.filter(pk__in=[p.pk for p in available])
        self.fields["procedures"].choices = [(p.pk, f"{p.title} ({p.theme.label})") for p in available]


class HelpSheetForm(AccessibleFormMixin, forms.ModelForm):
    class Meta:
        model = HelpSheet
        fields = ["procedure", "title", "summary", "to_bring", "identifiers", "steps", "is_shared"]
        labels = {
            "procedure": "Démarche",
            "title": "Titre de la fiche",
            "summary": "En une phrase",
            "to_bring": "À apporter",
            "identifiers": "Identifiants nécessaires",
            "steps": "Les étapes",
            "is_shared": "Proposer cette fiche aux autres centres du réseau",
        }
        help_texts = {
            "title": "Par exemple : « Renouveler sa demande de logement social ».",
            "to_bring": MARKDOWN_HELP,
            "identifiers": "Numéro d'allocataire, numéro fiscal, identifiant France Travail…",
            "steps": MARKDOWN_HELP,
            "is_shared": "Les autres centres pourront l'afficher sur leur borne ou en adapter une copie.",
        }
        widgets = {
            "summary": forms.TextInput(),
            "to_bring": forms.Textarea(attrs={"rows": 5}),
            "identifiers": forms.Textarea(attrs={"rows": 4}),
            "steps": forms.Textarea(attrs={"rows": 10}),
        }
        error_messages = {
            "procedure": {"required": "Choisissez la démarche.", "invalid_choice": "Choisissez la démarche."},
            "title": {"required": "Donnez un titre à la fiche."},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["procedure"].queryset = Procedure.objects.filter(is_active=True).order_by("title")
        self.fields["procedure"].empty_label = "Choisir…"


class AssistedProcedureForm(AccessibleFormMixin, forms.ModelForm):
    """Four choices and a submit: under fifteen seconds at the reception desk."""

    class Meta:
        model = AssistedProcedure
        fields = ["organisation", "kind", "autonomy", "duration", "computer_help", "referral_reason"]
        labels = {
            "organisation": "Organisme",
            "kind": "Démarche",
            "autonomy": "Comment",
            "duration": "Durée",
            "computer_help": "Aide à l'utilisation de l'ordinateur (souris, clavier, scanner, messagerie)",
            "referral_reason": "Orientée vers l'organisme ? Pourquoi",
        }
        widgets = {
            "organisation": forms.RadioSelect,
            "kind": forms.RadioSelect,
            "autonomy": forms.RadioSelect,
            "duration": forms.RadioSelect,
        }
        error_messages = {
            "organisation": {"required": "Choisissez l'organisme."},
            "kind": {"required": "Choisissez la démarche."},
            "autonomy": {
                "required": "Dites si la personne a fait seule, avec vous ou si vous avez fait pour elle."
            },
            "duration": {"required": "Choisissez la durée."},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("organisation", "kind", "autonomy", "duration"):
            # The model's blank choice would be a radio button of its own.
            self.fields[name].choices = [c for c in self.fields[name].choices if c[0]]
        self.fields["referral_reason"].choices = [("", "Non, pas d'orientation")] + [
            c for c in self.fields["referral_reason"].choices if c[0]
        ]


class SynonymForm(CleanTextMixin, forms.Form):
    """A search without result attached to a tile of the kiosk, from the statistics page."""

    word = forms.CharField(
        label="Mot cherché",
        required=False,
        max_length=1000,
        error_messages={"max_length": "Un mot-clé tient en 60 caractères au plus."},
    )
    tile = forms.ModelChoiceField(
        label="Démarche",
        queryset=Tile.objects.none(),
        error_messages={
            "required": "Choisissez la démarche que ce mot doit trouver.",
            "invalid_choice": "Choisissez une démarche de la liste.",
        },
    )

    def __init__(self, *args, centre, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tile"].queryset = (
            Tile.objects.filter(centre=centre, is_hidden=False)
            .filter(Q(procedure__isnull=True) | Q(procedure__is_active=True))
            .select_related("procedure", "theme")
        )

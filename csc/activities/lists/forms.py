from django import forms

from csc.core.forms import AccessibleFormMixin

from . import queries

SORT_LABELS = {
    "enfant": "Nom de l'enfant",
    "age": "Âge",
    "groupe": "Groupe",
    "montant": "Montant dû",
    "inscription": "Date d'inscription",
}
PAGE_SIZES = (25, 50, 100)
DEFAULT_PAGE_SIZE = 50


def _sort_choices():
    choices = []
    for name, label in SORT_LABELS.items():
        choices.append((name, f"{label} (croissant)"))
        choices.append((f"-{name}", f"{label} (décroissant)"))
    return choices


class RegistrationFilterForm(AccessibleFormMixin, forms.Form):
    """The filters of the list, read from the address. A value that does not fit (another activity's
    period or group, an unknown sort) gets a French message and the list falls back to the default."""

    periode = forms.TypedChoiceField(
        label="Période",
        coerce=int,
        required=False,
        error_messages={
            "invalid_choice": "Cette période n'est pas une période de l'activité : "
            "la période par défaut est affichée."
        },
    )
    groupe = forms.TypedChoiceField(
        label="Groupe",
        coerce=int,
        required=False,
        empty_value=None,
        error_messages={
            "invalid_choice": "Ce groupe n'est pas un groupe de l'activité : tous les groupes sont affichés."
        },
    )
    statut = forms.ChoiceField(
        label="Statut",
        required=False,
        choices=[(queries.ACTIVE, "Inscrits"), (queries.CANCELLED, "Annulées"), (queries.ALL, "Toutes")],
        error_messages={"invalid_choice": "Statut inconnu : les inscrits sont affichés."},
    )
    q = forms.CharField(
        label="Enfant ou foyer",
        required=False,
        max_length=queries.MAX_TEXT_LENGTH,
        help_text="Nom, prénom, nom du foyer ou adresse ; les accents et les majuscules ne comptent pas.",
    )
    tri = forms.ChoiceField(
        label="Trier par",
        required=False,
        choices=_sort_choices(),
        error_messages={"invalid_choice": "Ce tri n'existe pas : la liste est triée par nom de l'enfant."},
    )
    par = forms.TypedChoiceField(
        label="Lignes par page",
        coerce=int,
        required=False,
        choices=[(size, str(size)) for size in PAGE_SIZES],
        error_messages={
            "invalid_choice": f"Choisissez 25, 50 ou 100 lignes par page : "
            f"{DEFAULT_PAGE_SIZE} sont affichées."
        },
    )

    def __init__(self, data, *, periods, groups):
        super().__init__(data)
        self.fields["periode"].choices = [(p.pk, p.name) for p in periods]
        self.fields["groupe"].choices = [("", "Tous les groupes")] + [(g.pk, g.name) for g in groups]

    def value(self, name, default):
        """The cleaned value of a field, or `default` when it is empty or did not fit."""
        if not self.is_bound or name in self.errors:
            return default
        value = self.cleaned_data.get(name)
        return default if value in (None, "") else value

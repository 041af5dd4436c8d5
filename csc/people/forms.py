from datetime import date
from decimal import Decimal

from django import forms
from django.utils import timezone

from csc.core.cleaning import CleanTextMixin
from csc.core.forms import AccessibleFormMixin
from csc.core.validators import normalize_phone, validate_postcode

from .models import FAMILY_QUOTIENT_TOO_HIGH, MAX_FAMILY_QUOTIENT, Consent, Household, HouseholdMember, Person

DATE_WIDGET = forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})


def validate_family_quotient(value: Decimal | None) -> Decimal | None:
    """A monthly quotient as the CAF gives it: never negative, never above MAX_FAMILY_QUOTIENT."""
    if value is None:
        return value
    if value < 0:
        raise forms.ValidationError("Le quotient familial ne peut pas être négatif.")
    if value > MAX_FAMILY_QUOTIENT:
        raise forms.ValidationError(FAMILY_QUOTIENT_TOO_HIGH)
    return value


def validate_birth_date(value: date | None):
    if value is None:
        return
    if value > timezone.localdate():
        raise forms.ValidationError("La date de naissance ne peut pas être dans le futur.")
    if value.year < 1900:
        raise forms.ValidationError("Vérifiez l'année de naissance : elle est antérieure à 1900.")


class PersonForm(AccessibleFormMixin, forms.ModelForm):
    class Meta:
        model = Person
        fields = [
            "last_name",
            "first_name",
            "birth_date",
            "sex",
            "email",
            "phone",
            "address",
            "postcode",
            "city",
            "in_qpv",
            "contact_by_sms",
            "contact_by_email",
        ]
        widgets = {"birth_date": DATE_WIDGET}
        error_messages = {
            "last_name": {"required": "Indiquez le nom."},
            "first_name": {"required": "Indiquez le prénom."},
            "birth_date": {"invalid": "Saisissez une date valide, par exemple 14/07/1985."},
            "email": {"invalid": "Saisissez une adresse e-mail valide, par exemple prenom.nom@exemple.fr."},
        }
        help_texts = {
            "phone": "Pour vous joindre, et pour les SMS si la personne les accepte.",
            "in_qpv": "Sert uniquement aux statistiques demandées par les financeurs.",
        }

    def clean_birth_date(self):
        value = self.cleaned_data.get("birth_date")
        validate_birth_date(value)
        return value

    def clean_phone(self):
        return normalize_phone(self.cleaned_data.get("phone", ""))

    def clean_postcode(self):
        value = (self.cleaned_data.get("postcode") or "").strip()
        if value:
            validate_postcode(value)
        return value

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("contact_by_sms") and not cleaned.get("phone") and "phone" not in self.errors:
            self.add_error("phone", "Un numéro est nécessaire pour recevoir des SMS.")
        if cleaned.get("contact_by_email") and not cleaned.get("email") and "email" not in self.errors:
            self.add_error("email", "Une adresse e-mail est nécessaire pour recevoir des e-mails.")
        return cleaned


class MemberForm(PersonForm):
    """A new member typed in the household form: the essentials, the rest on the person's page."""

    relation = forms.ChoiceField(label="Lien dans le foyer", choices=HouseholdMember.Relation.choices)

    # Choosing a sex or a relation in an empty block is not adding a person; typing a name is.
    IDENTIFYING_FIELDS = ("last_name", "first_name", "birth_date", "email", "phone")

    class Meta(PersonForm.Meta):
        fields = ["last_name", "first_name", "birth_date", "sex", "email", "phone"]

    def has_changed(self):
        return any(name in self.changed_data for name in self.IDENTIFYING_FIELDS)


class HouseholdForm(AccessibleFormMixin, forms.ModelForm):
    class Meta:
        model = Household
        fields = [
            "name",
            "address",
            "postcode",
            "city",
            "in_qpv",
            "family_quotient",
            "family_quotient_date",
            "family_quotient_source",
            "benefits_number",
            "benefits_regime",
            "social_rate_until",
            "works_in_city",
            "dependent_children",
            "notes",
        ]
        labels = {
            "benefits_regime": "Allocations versées par",
            "social_rate_until": "Tarif social CCAS jusqu'au",
            "dependent_children": "Nombre d'enfants à charge (attestation CAF)",
        }
        widgets = {
            "social_rate_until": DATE_WIDGET,
            "dependent_children": forms.TextInput(
                attrs={"inputmode": "numeric", "autocomplete": "off", "size": 3}
            ),
            "family_quotient_date": DATE_WIDGET,
            "notes": forms.Textarea(attrs={"rows": 3}),
            # Text, not type=number: browsers refuse "612,50", the way French speakers write euros.
            "family_quotient": forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
        }
        error_messages = {
            "name": {"required": "Donnez un nom au foyer, par exemple « Famille Martin »."},
            "family_quotient": {
                "invalid": "Saisissez un montant en euros, par exemple 650 ou 650,50.",
                "max_digits": "Ce quotient familial est trop élevé : vérifiez le montant.",
                "max_whole_digits": "Ce quotient familial est trop élevé : vérifiez le montant.",
                "max_decimal_places": "Deux chiffres après la virgule au plus.",
            },
            "family_quotient_date": {"invalid": "Saisissez une date valide, par exemple 01/09/2026."},
            "social_rate_until": {"invalid": "Saisissez une date valide, par exemple 31/08/2027."},
            "benefits_regime": {"invalid_choice": "Choisissez la CAF, la MSA, un autre régime ou aucun."},
            "dependent_children": {
                "invalid": "Saisissez un nombre d'enfants, par exemple 3.",
                "min_value": "Le nombre d'enfants ne peut pas être négatif.",
                "max_value": "Ce nombre est trop élevé : vérifiez-le.",
            },
        }
        help_texts = {
            "benefits_regime": (
                "Certaines grilles ont une colonne de prix par régime (CAF, MSA…), et les aides en dépendent."
            ),
            "social_rate_until": (
                "Vide : pas de tarif social. Indiquez la fin de la décision du CCAS : le foyer paie la "
                "colonne « Tarif social » et reçoit les aides du CCAS jusqu'à cette date."
            ),
            "benefits_number": "Facultatif. Il figure sur l'attestation de la CAF.",
            "notes": "N'y mettez que ce qui sert à l'accueil du foyer.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["family_quotient"].localize = True
        self.fields["family_quotient"].widget.is_localized = True

    def clean_postcode(self):
        value = (self.cleaned_data.get("postcode") or "").strip()
        if value:
            validate_postcode(value)
        return value

    def clean_family_quotient(self):
        return validate_family_quotient(self.cleaned_data.get("family_quotient"))

    def clean_family_quotient_date(self):
        value = self.cleaned_data.get("family_quotient_date")
        if value and value > timezone.localdate():
            raise forms.ValidationError("La date du quotient familial ne peut pas être dans le futur.")
        return value

    def clean_benefits_number(self):
        value = (self.cleaned_data.get("benefits_number") or "").strip().replace(" ", "")
        if value and (not value.isalnum() or len(value) > 15):
            raise forms.ValidationError(
                "Le numéro d'allocataire ne contient que des chiffres et des lettres."
            )
        return value

    def clean(self):
        cleaned = super().clean()
        has_quotient = cleaned.get("family_quotient") is not None
        if (
            has_quotient
            and not cleaned.get("family_quotient_date")
            and "family_quotient_date" not in self.errors
        ):
            self.add_error("family_quotient_date", "Indiquez la date de l'attestation du quotient familial.")
        if has_quotient and not cleaned.get("family_quotient_source"):
            self.add_error("family_quotient_source", "Indiquez d'où vient ce quotient familial.")
        return cleaned


class BaseMemberFormSet(forms.BaseFormSet):
    def clean(self):
        if any(self.errors):
            return
        filled = [f for f in self.forms if f.has_changed() and not self._should_delete_form(f)]
        if not filled:
            raise forms.ValidationError("Ajoutez au moins une personne au foyer.")


# absolute_max: a forged TOTAL_FORMS builds (and renders) at most this many forms, not Django's 1,000 more
# (the hostile-input sweep's « 10**40 » made one request render 1,012 member forms).
MemberFormSet = forms.formset_factory(
    MemberForm, formset=BaseMemberFormSet, extra=3, max_num=12, absolute_max=12, validate_max=True
)


class ConsentForm(AccessibleFormMixin, forms.Form):
    kind = forms.ChoiceField(label="Consentement", choices=Consent.Kind.choices)
    granted = forms.TypedChoiceField(
        label="Réponse",
        choices=[("oui", "Oui, accordé"), ("non", "Non, refusé")],
        coerce=lambda v: v == "oui",
        widget=forms.RadioSelect,
    )
    decided_on = forms.DateField(
        label="Date de la réponse",
        initial=timezone.localdate,
        widget=DATE_WIDGET,
        error_messages={"invalid": "Saisissez une date valide."},
    )

    def clean_decided_on(self):
        value = self.cleaned_data["decided_on"]
        if value > timezone.localdate():
            raise forms.ValidationError("La date ne peut pas être dans le futur.")
        return value


class ShareForm(AccessibleFormMixin, forms.Form):
    centre = forms.ModelChoiceField(label="Centre", queryset=None, empty_label="Choisissez un centre")
    reason = forms.CharField(
        label="Motif du partage",
        max_length=255,
        help_text="Par exemple : la famille fréquente aussi ce centre et l'a accepté.",
    )

    def __init__(self, *args, centres, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["centre"].queryset = centres


class MergeForm(AccessibleFormMixin, forms.Form):
    duplicate = forms.TypedChoiceField(label="Doublon à fusionner dans cette fiche", coerce=int)

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["duplicate"].choices = [(c.pk, str(c)) for c in candidates]


class SearchForm(CleanTextMixin, forms.Form):
    q = forms.CharField(label="Nom ou prénom", max_length=100, required=False)


class HouseholdSearchForm(CleanTextMixin, forms.Form):
    q = forms.CharField(label="Nom, adresse, commune ou téléphone", max_length=100, required=False)


class ConfirmForm(AccessibleFormMixin, forms.Form):
    confirm = forms.BooleanField(
        label="Je confirme", error_messages={"required": "Cochez la case pour confirmer."}
    )


class MembershipTakeForm(AccessibleFormMixin, forms.Form):
    """The season a household joins at the desk; each choice shows the fee the season's grid gives."""

    season = forms.TypedChoiceField(
        label="Saison",
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choisissez la saison.",
            "invalid_choice": "Choisissez une des saisons proposées.",
        },
    )

    def __init__(self, *args, choices: list[tuple[int, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["season"].choices = choices


class CancelReasonForm(AccessibleFormMixin, forms.Form):
    """A cancellation always says why: the reason is kept with what was cancelled."""

    reason = forms.CharField(
        label="Motif de l'annulation",
        max_length=200,
        error_messages={"required": "Indiquez le motif de l'annulation."},
    )

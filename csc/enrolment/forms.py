"""The public forms of pré-adhésion and pré-inscription, and reception's decision forms.

Parents fill them on a phone, often once a year: short labels, the reason for every piece of personal
data asked, and every error next to its field with the rest of the input kept (even the attestation
file, held aside under a signed name until the form is sent).
"""

from __future__ import annotations

import uuid
from datetime import date

from django import forms
from django.conf import settings
from django.core import signing
from django.core.files.storage import default_storage
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from csc.activities import tariffs
from csc.activities.models import Group, Period, Unit
from csc.core.cleaning import CleanTextMixin
from csc.core.forms import AccessibleFormMixin
from csc.core.uploads import check_document
from csc.core.validators import normalize_phone, validate_postcode
from csc.people.forms import validate_birth_date, validate_family_quotient
from csc.people.models import BenefitsRegime, Household, Person

from . import services
from .models import EnrolmentSettings

DATE_WIDGET = forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
PENDING_SALT = "csc.enrolment.pending-upload"
PENDING_DIR = "attestations/en-attente"

YES_NO = [("oui", "Oui"), ("non", "Non")]
CONSENTS = {
    "consent_photos": (
        "Photos : acceptez-vous que vos enfants soient pris en photo pendant les activités ?",
        "Pour illustrer nos activités (journal, site du centre). Jamais sans votre accord ; vous pouvez "
        "changer d'avis à tout moment à l'accueil.",
    ),
    "consent_communications": (
        "Informations : acceptez-vous de recevoir les informations du centre par e-mail ou SMS ?",
        "Pour vous prévenir des activités, des sorties et des changements d'horaires.",
    ),
    "consent_data": (
        "Données : acceptez-vous que le centre garde ces informations pour suivre vos inscriptions ?",
        "Pour ne pas vous les redemander à chaque période. Elles restent au centre et sont effacées "
        "après la durée de conservation du centre.",
    ),
}


# --- The attestation upload -----------------------------------------------------------------------


def check_attestation(upload) -> None:
    """Refuse what is not a real PDF, JPG or PNG of at most 5 MB, with a message a parent understands."""
    check_document(
        upload,
        limit=settings.CSC_MAX_UPLOAD_BYTES,
        too_big_hint="Prenez une photo moins lourde ou envoyez le PDF de la CAF.",
        wrong_type=(
            "Ce fichier n'est pas un PDF, une photo JPG ou PNG. Envoyez l'attestation téléchargée sur caf.fr "
            "ou une photo de celle-ci."
        ),
    )


def keep_pending(upload) -> str:
    """Put a checked upload aside and return a signed token naming it, for the next step of the form."""
    name = default_storage.save(f"{PENDING_DIR}/{uuid.uuid4().hex}", upload)
    return signing.dumps(name, salt=PENDING_SALT)


def pending_file(token: str):
    """The file a token names, or None when the token was forged or the file is gone."""
    try:
        name = signing.loads(token, salt=PENDING_SALT, max_age=24 * 3600)
    except signing.BadSignature:
        return None
    if not name.startswith(PENDING_DIR + "/") or not default_storage.exists(name):
        return None
    return default_storage.open(name)


# --- Fields ---------------------------------------------------------------------------------------


UNKNOWN_REGIME = "ne_sait_pas"


def regime_of(answer: str) -> str:
    """The household's regime from the form's answer: « je ne sais pas » is no regime."""
    return "" if answer in (UNKNOWN_REGIME, None) else answer


class FrenchDecimalField(forms.DecimalField):
    """Accepts "612,50" as well as "612.50": that is how amounts are written in France."""

    def to_python(self, value):
        if isinstance(value, str):
            value = value.strip().replace("\u202f", "").replace(" ", "").replace("€", "").replace(",", ".")
        return super().to_python(value)


class PersonEntryForm(AccessibleFormMixin, forms.Form):
    first_name = forms.CharField(label="Prénom", max_length=150)
    last_name = forms.CharField(label="Nom", max_length=150)
    birth_date = forms.DateField(label="Date de naissance", widget=DATE_WIDGET)

    def clean_birth_date(self):
        value = self.cleaned_data["birth_date"]
        validate_birth_date(value)
        return value


class AdultForm(PersonEntryForm):
    birth_date = forms.DateField(label="Date de naissance", widget=DATE_WIDGET, required=False)


class ChildForm(PersonEntryForm):
    sex = forms.ChoiceField(
        label="Sexe",
        choices=[
            (Person.Sex.FEMALE, "Fille"),
            (Person.Sex.MALE, "Garçon"),
            (Person.Sex.UNSPECIFIED, "Ne pas préciser"),
        ],
        initial=Person.Sex.UNSPECIFIED,
        widget=forms.RadioSelect,
        required=False,
    )

    def clean_sex(self):
        return self.cleaned_data.get("sex") or Person.Sex.UNSPECIFIED


class BookingChildForm(ChildForm):
    """A child of a pré-inscription, with the days and units asked (checkboxes "day id:unit id")."""

    choices = forms.MultipleChoiceField(
        label="Jours et temps d'accueil",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "invalid_choice": "Un des jours cochés n'est pas proposé sur cette période. Rechargez la page."
        },
    )

    def __init__(
        self,
        *args,
        period: Period,
        groups: list[Group],
        units: list[Unit],
        days,
        reference_date,
        unit_groups=None,
        choices=None,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.period, self.groups, self.units, self.days = period, groups, units, days
        # unit id -> the groups it is offered to (absent: every group), e.g. an outing for teenagers.
        self.unit_groups = unit_groups or {}
        self.reference_date = reference_date
        # `choices`: the page's boxes, when it built them once for all its children.
        self.fields["choices"].choices = choices or [
            (f"{d.pk}:{u.pk}", f"{d} {u.name}") for d in days for u in units
        ]
        self.group = None

    def offered(self, unit: Unit) -> bool:
        """Whether the child may book the unit: every unit until the child's group is known."""
        groups = self.unit_groups.get(unit.pk)
        return not groups or self.group is None or self.group.pk in groups

    def restricted_to(self, unit: Unit) -> str:
        groups = self.unit_groups.get(unit.pk)
        if not groups:
            return ""
        return ", ".join(g.name for g in self.groups if g.pk in groups)

    def day_options(self):
        """For the template: each day with the units the child may book, ticked as the parent left
        them, with the groups a unit is kept for."""
        chosen = set(self["choices"].value() or [])
        units = [(unit, self.restricted_to(unit)) for unit in self.units]
        # A unit kept for other groups is left out once the child's group is known, unless it was
        # ticked: then it stays, with its error, so that the parent can untick it.
        return [
            (
                day,
                [
                    (f"{day.pk}:{unit.pk}", unit, f"{day.pk}:{unit.pk}" in chosen, only)
                    for unit, only in units
                    if self.offered(unit) or f"{day.pk}:{unit.pk}" in chosen
                ],
            )
            for day in self.days
        ]

    def clean_birth_date(self):
        value = super().clean_birth_date()
        if value and self.reference_date:
            group = tariffs.group_for(self.groups, value, self.reference_date)
            if group is None:
                from csc.people.models import age_on

                age = age_on(value, self.reference_date)
                raise forms.ValidationError(
                    f"L'enfant aura {age} an{'s' if age > 1 else ''} le {self.reference_date:%d/%m/%Y} : cet "
                    f"accueil reçoit les enfants {tariffs.age_range_text(self.groups)}."
                )
            self.group = group
        return value

    def clean_choices(self):
        pairs = [tuple(int(part) for part in value.split(":")) for value in self.cleaned_data["choices"]]
        units = {u.pk: u for u in self.units}
        by_day: dict[int, list[Unit]] = {}
        for day_id, unit_id in pairs:
            by_day.setdefault(day_id, []).append(units[unit_id])
        day_names = {d.pk: d for d in self.days}
        for unit_id in {unit_id for _day, unit_id in pairs}:
            if self.group is not None and not self.offered(units[unit_id]):
                raise forms.ValidationError(
                    _("« %(unit)s » est réservé aux groupes %(groups)s : décochez-le pour cet enfant.")
                    % {"unit": units[unit_id].name, "groups": self.restricted_to(units[unit_id])}
                )
        for day_id, chosen in by_day.items():
            if len(chosen) > 1 and any(u.kind == Unit.Kind.DAY for u in chosen):
                raise forms.ValidationError(
                    f"Le {day_names[day_id]}, la journée comprend déjà tout : "
                    "décochez la demi-journée ou le repas."
                )
        return pairs

    def clean(self):
        cleaned = super().clean()
        if not self.errors and not cleaned.get("choices"):
            self.add_error("choices", "Cochez au moins un jour pour cet enfant.")
        return cleaned

    def entry(self) -> services.PersonEntry:
        data = self.cleaned_data
        # The live estimate reads the entry of a child whose days are valid while a name may not be yet
        # (empty, or refused for a character): the fee does not depend on the name.
        return services.PersonEntry(
            first_name=(data.get("first_name") or "").strip(),
            last_name=(data.get("last_name") or "").strip(),
            birth_date=data["birth_date"],
            sex=data.get("sex") or Person.Sex.UNSPECIFIED,
            group_id=self.group.pk if self.group else None,
            bookings=data.get("choices", []),
        )


class FamilyForm(AccessibleFormMixin, forms.Form):
    """Contact, address, family quotient and consents: what both public forms ask once per family."""

    email = forms.EmailField(
        label="Adresse e-mail",
        help_text="Pour vous envoyer le récapitulatif et la réponse du centre.",
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={"invalid": "Cette adresse e-mail n'est pas valide. Exemple : prenom.nom@exemple.fr"},
    )
    phone = forms.CharField(
        label="Téléphone",
        help_text="Pour vous joindre si une question se pose. Exemple : 06 12 34 56 78.",
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )
    address = forms.CharField(
        label="Adresse", max_length=255, widget=forms.TextInput(attrs={"autocomplete": "street-address"})
    )
    postcode = forms.CharField(
        label="Code postal",
        max_length=10,
        widget=forms.TextInput(attrs={"autocomplete": "postal-code", "inputmode": "numeric"}),
    )
    city = forms.CharField(
        label="Commune",
        max_length=120,
        help_text="Les familles d'autres communes peuvent avoir un tarif différent.",
        widget=forms.TextInput(attrs={"autocomplete": "address-level2"}),
    )
    family_quotient = FrenchDecimalField(
        label="Quotient familial CAF (en euros)",
        required=False,
        decimal_places=2,
        help_text=(
            "Il figure sur votre attestation CAF ou MSA. Sans quotient, le tarif le plus haut s'applique."
        ),
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
        error_messages={"invalid": "Écrivez le quotient en chiffres, par exemple 612 ou 612,50."},
    )
    # « Je ne sais pas » is a value of its own, so that the choice is always a ticked box a person sees
    # (an empty value would leave the group with nothing ticked after an error).
    benefits_regime = forms.ChoiceField(
        label=_("Vos allocations familiales sont versées par"),
        required=False,
        choices=[
            (BenefitsRegime.CAF, _("la CAF")),
            (BenefitsRegime.MSA, _("la MSA")),
            (BenefitsRegime.OTHER, _("un autre régime")),
            (UNKNOWN_REGIME, _("je ne sais pas")),
        ],
        initial=UNKNOWN_REGIME,
        widget=forms.RadioSelect,
        help_text=_("Certains tarifs ou aides dépendent de l'organisme qui verse vos allocations."),
        error_messages={"invalid_choice": _("Choisissez une des réponses proposées.")},
    )
    works_in_city = forms.CharField(
        label=_("Commune où travaille un des parents (facultatif)"),
        required=False,
        max_length=120,
        help_text=_("Les familles qui travaillent dans la commune paient le même tarif que ses habitants."),
    )
    dependent_children = forms.IntegerField(
        label=_("Nombre d'enfants à charge (facultatif)"),
        required=False,
        min_value=1,
        max_value=20,
        help_text=_("Comme sur votre attestation CAF : les familles nombreuses peuvent payer moins."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "size": 3}),
        error_messages={
            "invalid": _("Écrivez un nombre d'enfants, par exemple 3."),
            "min_value": _("Au moins 1 enfant."),
            "max_value": _("Au plus 20 enfants : vérifiez le nombre."),
        },
    )
    attestation = forms.FileField(
        label="Attestation de quotient familial (PDF, JPG ou PNG, 5 Mo au plus)",
        required=False,
        help_text="Facultatif : vous pouvez aussi l'apporter à l'accueil.",
        widget=forms.ClearableFileInput(
            attrs={"accept": ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"}
        ),
    )
    attestation_token = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, (label, reason) in CONSENTS.items():
            self.fields[name] = forms.ChoiceField(
                label=label,
                help_text=reason,
                choices=YES_NO,
                widget=forms.RadioSelect,
                error_messages={"required": "Répondez oui ou non."},
            )
        self.kept_attestation = None

    def clean_phone(self):
        return normalize_phone(self.cleaned_data["phone"])

    def clean_postcode(self):
        value = self.cleaned_data["postcode"].strip()
        validate_postcode(value)
        return value

    def clean_family_quotient(self):
        return validate_family_quotient(self.cleaned_data.get("family_quotient"))

    def clean_attestation(self):
        upload = self.cleaned_data.get("attestation")
        if upload:
            check_attestation(upload)
        return upload

    def clean(self):
        cleaned = super().clean()
        upload = cleaned.get("attestation")
        if upload:
            # Checked: put it aside now, so that an error elsewhere does not make the parent upload it again.
            token = keep_pending(upload)
            self.kept_attestation = token
        elif cleaned.get("attestation_token") and pending_file(cleaned["attestation_token"]) is not None:
            self.kept_attestation = cleaned["attestation_token"]
        return cleaned

    def submission_fields(self) -> dict:
        data = self.cleaned_data
        attestation = pending_file(self.kept_attestation) if self.kept_attestation else None
        return {
            "email": data["email"],
            "phone": data["phone"],
            "address": data["address"].strip(),
            "postcode": data["postcode"],
            "city": data["city"].strip(),
            "family_quotient": data.get("family_quotient"),
            "benefits_regime": regime_of(data.get("benefits_regime", "")),
            "works_in_city": (data.get("works_in_city") or "").strip(),
            "dependent_children": data.get("dependent_children"),
            "attestation": attestation,
            "consent_photos": data["consent_photos"] == "oui",
            "consent_communications": data["consent_communications"] == "oui",
            "consent_data": data["consent_data"] == "oui",
        }


class SubmissionKeyForm(CleanTextMixin, forms.Form):
    """The hidden key that makes a double click or the back button land on the same request."""

    key = forms.UUIDField(widget=forms.HiddenInput)


class PeriodField(CleanTextMixin, forms.Form):
    """The period named in a hidden field must be the page's own period (a tampered value is refused)."""

    periode = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, period: Period, **kwargs):
        super().__init__(*args, **kwargs)
        self.period = period

    def clean_periode(self):
        if self.cleaned_data["periode"] != self.period.pk:
            raise forms.ValidationError("Cette période n'est pas proposée par ce centre. Rechargez la page.")
        return self.period


# --- Reception ------------------------------------------------------------------------------------


class ReasonForm(AccessibleFormMixin, forms.Form):
    reason = forms.CharField(
        label="Motif, tel que la famille le lira",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
        error_messages={"required": "Écrivez le motif : la famille le reçoit par e-mail."},
    )


class DocumentsForm(AccessibleFormMixin, forms.Form):
    reason = forms.CharField(
        label="Document demandé, tel que la famille le lira",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
        error_messages={"required": "Dites quel document manque."},
    )


class WaitingListForm(AccessibleFormMixin, forms.Form):
    rank = forms.IntegerField(
        label="Rang sur la liste d'attente",
        required=False,
        min_value=1,
        help_text="Vide : à la fin de la liste.",
        error_messages={"min_value": "Le rang commence à 1.", "invalid": "Écrivez un nombre entier."},
    )


class ValidateForm(AccessibleFormMixin, forms.Form):
    household = forms.TypedChoiceField(
        label="Foyer",
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={
            "invalid_choice": "Choisissez un foyer de la liste.",
            "required": "Choisissez le foyer de la famille, ou d'en créer un.",
        },
    )
    family_quotient = FrenchDecimalField(
        label="Quotient familial vérifié (en euros)",
        required=False,
        decimal_places=2,
        help_text="Le montant lu sur le justificatif. Vide : le foyer garde celui que la famille a déclaré, "
        "noté « Déclaré par la famille ».",
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )
    family_quotient_source = forms.ChoiceField(
        label="Vérifié sur",
        required=False,
        initial=Household.QuotientSource.CAF,
        choices=[
            (value, label)
            for value, label in Household.QuotientSource.choices
            if value in services.CHECKED_SOURCES
        ],
        error_messages={"invalid_choice": "Choisissez un justificatif de la liste."},
    )

    def __init__(self, *args, households, matched=None, preselected=0, **kwargs):
        """households: those reception may attach the request to; matched: per household, why it is
        proposed (« Léa Martin, née le … : même nom et même date de naissance »); preselected: the
        household checked on arrival (0: a new one, None: none, reception must choose)."""
        super().__init__(*args, **kwargs)
        matched = matched or {}
        self.fields["household"].choices = [(0, "Créer un nouveau foyer")] + [
            (h.pk, " — ".join([str(h), *matched.get(h.pk, [])])) for h in households
        ]
        self.fields["household"].initial = preselected
        self.households = {h.pk: h for h in households}

    def clean_family_quotient(self):
        return validate_family_quotient(self.cleaned_data.get("family_quotient"))

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("family_quotient") is not None and not cleaned.get("family_quotient_source"):
            self.add_error(
                "family_quotient_source", "Dites sur quel justificatif vous avez vérifié le quotient."
            )
        return cleaned


def today() -> date:
    return timezone.localdate()


class EnrolmentSettingsForm(AccessibleFormMixin, forms.ModelForm):
    class Meta:
        model = EnrolmentSettings
        fields = ["offer_delay_days"]
        error_messages = {
            "offer_delay_days": {
                "required": "Indiquez un nombre de jours.",
                "invalid": "Écrivez un nombre entier de jours.",
                "min_value": "Le délai est d'un jour au moins.",
                "max_value": "Le délai est de 60 jours au plus.",
            }
        }

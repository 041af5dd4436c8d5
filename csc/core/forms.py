"""Forms of core, and the pieces every app's forms share: dates and amounts as French speakers type
them, the error summary at the top of a page, errors linked to their fields."""

import copy
from datetime import date, datetime, timedelta

from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm, SetPasswordForm
from django.template.loader import render_to_string

from . import notify
from .cleaning import CleanTextMixin
from .identifiers import normalise_email
from .models import Centre, User
from .roles import CENTRE_ROLES


class AccessibleFormMixin(CleanTextMixin):
    """Marks invalid fields for assistive technologies and links each error to its field; its base cleans
    every text the same way (csc.core.cleaning)."""

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                field = self.fields[name]
                # Copy the widget: the field's widget is shared by every instance of this form class.
                field.widget = copy.deepcopy(field.widget)
                field.widget.attrs["aria-invalid"] = "true"
                ids = [f"{self[name].auto_id}_helptext"] if field.help_text else []
                ids.append(f"{self.add_prefix(name)}-erreurs")
                field.widget.attrs["aria-describedby"] = " ".join(ids)


DATE_WIDGET = forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
DATE_INVALID = "Saisissez une date valide, par exemple 14/07/2027."
DATE_ERRORS = {"invalid": DATE_INVALID}


# The years a date typed by staff can mean. Outside them it is a typing mistake, and at the calendar's
# edges (years 1 and 9999) the day, the week or the month next to it does not exist: a page that shows a
# day's neighbours or a week from it would fail there.
PLAUSIBLE_YEARS = (1900, 2199)


def parse_date(text: str, *, years: tuple[int, int] | None = PLAUSIBLE_YEARS) -> date | None:
    """A date as staff type it: 14/07/2027, 14/07/27 or 2027-07-14; None when it is not a real date or
    falls outside `years` (None: any year, for a caller that names its own range to the person)."""
    text = text.strip()
    for pattern in ("%d/%m/%Y", "%d/%m/%y", "%Y-%m-%d", "%d.%m.%Y", "%d-%m-%Y"):
        try:
            day = datetime.strptime(text, pattern).date()
        except ValueError:
            continue
        return day if years is None or years[0] <= day.year <= years[1] else None
    return None


# Months and dates typed by staff outside these years are typing mistakes, not dates.
FIRST_YEAR, LAST_YEAR = 1990, 2099


def month_bounds(year: int, month: int) -> tuple[date, date]:
    first = date(year, month, 1)
    following = date(year + (month == 12), month % 12 + 1, 1)
    return first, following - timedelta(days=1)


def previous_month(today: date) -> str:
    last = today.replace(day=1) - timedelta(days=1)
    return f"{last:%Y-%m}"


def parse_month(text: str) -> tuple[int, int] | None:
    """2026-03 (what a month field sends) or 03/2026 (what a person types); None if neither."""
    text = text.strip()
    for separator, year_first in (("-", True), ("/", False), (".", False)):
        parts = text.split(separator)
        if len(parts) != 2 or not all(part.strip().isdecimal() for part in parts):
            continue
        year, month = (int(parts[0]), int(parts[1])) if year_first else (int(parts[1]), int(parts[0]))
        if FIRST_YEAR <= year <= LAST_YEAR and 1 <= month <= 12:
            return year, month
    return None


def parse_date_lines(text: str) -> list[date]:
    """One date per line (blank lines ignored). Raises ValidationError naming every wrong line."""
    dates, errors = [], []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        parsed = parse_date(line)
        if parsed is None:
            errors.append(
                f"Ligne {number} : « {line.strip()[:30]} » n'est pas une date valide (écrivez-la jj/mm/aaaa)."
            )
        else:
            dates.append(parsed)
    if errors:
        raise forms.ValidationError(errors)
    return dates


def date_lines(dates) -> str:
    return "\n".join(f"{d:%d/%m/%Y}" for d in dates)


class EurosField(forms.DecimalField):
    """An amount as French speakers type it: « 4,15 », « 4.15 » or « 4,15 € »."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_digits", 7)
        kwargs.setdefault("decimal_places", 2)
        kwargs.setdefault("required", False)
        kwargs.setdefault(
            # Text, not type=number: browsers refuse "4,15", the way French speakers write euros.
            "widget",
            forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off", "size": 6}),
        )
        messages = {
            "invalid": "Saisissez un montant en euros, par exemple 4,15.",
            "max_digits": "Ce montant est trop élevé : vérifiez-le.",
            "max_whole_digits": "Ce montant est trop élevé : vérifiez-le.",
            "max_decimal_places": "Deux chiffres après la virgule au plus.",
        }
        messages.update(kwargs.pop("error_messages", {}))
        super().__init__(localize=True, error_messages=messages, **kwargs)

    def to_python(self, value):
        if isinstance(value, str):
            for ignored in ("€", " ", "\u00a0", "\u202f"):
                value = value.replace(ignored, "")
        return super().to_python(value)


def error_summary(*forms_) -> list[tuple[str | None, str]]:
    """The summary at the top of a page: (id of the field to go to, or None; message), for every form."""
    items: list[tuple[str | None, str]] = []
    for form in forms_:
        if form is None or not form.is_bound:
            continue
        if hasattr(form, "summary"):  # a form with its own summary, e.g. a grid typed row by row
            items.extend(form.summary())
            continue
        items.extend((None, str(error)) for error in form.non_field_errors())
        for bound in form:
            # A group of checkboxes or radios has no id of its own: go to its first choice.
            anchor = bound.id_for_label or f"{bound.auto_id}_0"
            items.extend((anchor, f"{bound.label} : {error}") for error in bound.errors)
    return items


class AccountEmailField(forms.EmailField):
    """The address of an account, brought to its normal form (csc.core.identifiers) before it is
    checked: « ＤＩＲ@X.FR » is checked, looked up and counted as « dir@x.fr »."""

    def to_python(self, value):
        return normalise_email(super().to_python(value))


class LoginForm(AccessibleFormMixin, AuthenticationForm):
    username = AccountEmailField(
        label="Adresse e-mail", widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True})
    )
    password = forms.CharField(
        label="Mot de passe",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    error_messages = {
        "invalid_login": "Adresse e-mail ou mot de passe incorrect. Vérifiez les majuscules.",
        "inactive": "Ce compte est désactivé. Adressez-vous à la direction de votre centre.",
    }


class ResetForm(AccessibleFormMixin, PasswordResetForm):
    email = AccountEmailField(
        label="Adresse e-mail", max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )

    def get_users(self, email):
        """The account of this address, found as the login finds it (exact normal form), never by the
        database's case-insensitive comparison; active and with a password, as Django requires."""
        account = User.objects.for_identifier(email)
        if account is not None and account.is_active and account.has_usable_password():
            yield account

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):
        """Django's reset e-mail, written from the same templates, but recorded and queued through
        csc.core.notify like every other message; secret, since it carries the link that sets the
        password."""
        notify.email(
            purpose="auth.password_reset",
            to=to_email,
            subject=render_to_string(subject_template_name, context),
            body=render_to_string(email_template_name, context),
            html_body=render_to_string(html_email_template_name, context) if html_email_template_name else "",
            about=context["user"],
            secret=True,
        )


class ChoosePasswordForm(AccessibleFormMixin, SetPasswordForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].label = "Nouveau mot de passe"
        self.fields[
            "new_password1"
        ].help_text = "Au moins 10 caractères ; évitez un mot de passe trop courant."
        self.fields["new_password2"].label = "Confirmez le mot de passe"

    def clean_new_password2(self):
        first = self.cleaned_data.get("new_password1")
        second = self.cleaned_data.get("new_password2")
        if first and second and first != second:
            raise forms.ValidationError("Les deux mots de passe ne sont pas identiques.")
        password_validation.validate_password(second, self.user)
        return second


class OtpTokenForm(AccessibleFormMixin, forms.Form):
    token = forms.CharField(
        label="Code à 6 chiffres",
        max_length=6,
        min_length=6,
        help_text="Le code affiché par votre application d'authentification.",
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "pattern": "[0-9]*"}
        ),
        error_messages={
            "min_length": "Le code compte 6 chiffres.",
            "max_length": "Le code compte 6 chiffres.",
            "required": "Saisissez le code à 6 chiffres.",
        },
    )

    def clean_token(self):
        token = self.cleaned_data["token"].strip()
        if not token.isdigit():
            raise forms.ValidationError("Le code ne contient que des chiffres.")
        return token


class RecoveryCodeForm(AccessibleFormMixin, forms.Form):
    code = forms.CharField(
        label="Code de secours",
        max_length=40,
        help_text="Un des codes de 10 caractères imprimés ou enregistrés à l'activation, "
        "par exemple abcde-23456. Chaque code ne sert qu'une fois.",
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "none", "spellcheck": "false"}
        ),
        error_messages={"required": "Saisissez un de vos codes de secours."},
    )

    def clean_code(self):
        from .recovery import is_well_formed, normalise

        code = normalise(self.cleaned_data["code"])
        if not is_well_formed(code):
            raise forms.ValidationError(
                "Un code de secours compte 10 lettres ou chiffres, par exemple abcde-23456 "
                "(le code à 6 chiffres de l'application se saisit sur la page précédente)."
            )
        return code


CENTRE_ROLE_CHOICES = [(role.value, role.label) for role in CENTRE_ROLES]


class InviteForm(AccessibleFormMixin, forms.Form):
    email = AccountEmailField(
        label="Adresse e-mail",
        help_text="L'invitation est envoyée à cette adresse.",
        error_messages={"invalid": "Saisissez une adresse e-mail valide, par exemple prenom.nom@exemple.fr."},
    )
    first_name = forms.CharField(label="Prénom", max_length=150)
    last_name = forms.CharField(label="Nom", max_length=150)
    role = forms.ChoiceField(label="Rôle", choices=CENTRE_ROLE_CHOICES)


class RoleForm(AccessibleFormMixin, forms.Form):
    role = forms.ChoiceField(label="Rôle", choices=CENTRE_ROLE_CHOICES)


class TokenForm(AccessibleFormMixin, forms.Form):
    name = forms.CharField(
        label="Nom du jeton",
        max_length=100,
        help_text="Pour vous rappeler à quoi il sert, par exemple « Tableur de l'accueil ».",
    )


class CentreSettingsForm(AccessibleFormMixin, forms.ModelForm):
    class Meta:
        model = Centre
        fields = ["retention_months"]

    def clean_retention_months(self):
        value = self.cleaned_data["retention_months"]
        if not 1 <= value <= 120:
            raise forms.ValidationError("Choisissez une durée entre 1 et 120 mois.")
        return value


class JournalFilterForm(CleanTextMixin, forms.Form):
    person = forms.IntegerField(label="Numéro de la personne", required=False, min_value=1)
    actor = forms.ModelChoiceField(
        label="Membre de l'équipe", queryset=None, required=False, empty_label="Tous"
    )
    action = forms.ChoiceField(label="Action", required=False)

    def __init__(self, *args, staff_queryset, action_choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["actor"].queryset = staff_queryset
        self.fields["action"].choices = [("", "Toutes")] + list(action_choices)


def posted(request):
    """The submitted data, or None on GET. (`posted(request)` would ignore an empty submission.)"""
    return request.POST if request.method == "POST" else None


class ResendForm(AccessibleFormMixin, forms.Form):
    """The address a message goes to when staff send it again, corrected if need be."""

    email = forms.EmailField(
        label="Adresse",
        max_length=254,
        error_messages={
            "required": "Indiquez l'adresse à laquelle renvoyer le message.",
            "invalid": "Saisissez une adresse e-mail valide, par exemple prenom.nom@exemple.fr.",
        },
    )

"""Forms of the Check screens: schedules, sessions, closures, walk-ins, head counts, enrolment."""

from __future__ import annotations

from django import forms

from csc.core.forms import DATE_ERRORS, DATE_WIDGET, AccessibleFormMixin
from csc.people.forms import validate_birth_date
from csc.people.models import Person

from ..forms import WEEKDAYS
from ..models import Closure, Group, HeadCount, Schedule
from ..sessions import MAX_SCHEDULE_DAYS
from .services import MAX_HEAD_COUNT

TIME_WIDGET = forms.TimeInput(format="%H:%M", attrs={"type": "time"})
TIME_ERRORS = {"invalid": "Saisissez une heure valide, par exemple 14:30."}
HOURS_CAP_HELP = "Facultatif. Le plafond d'heures par présence fixé par la CAF pour ce créneau (mercredis…)."


def _check_times(form, cleaned):
    start, end = cleaned.get("start_time"), cleaned.get("end_time")
    if start and end and end <= start:
        form.add_error("end_time", "L'heure de fin doit être après l'heure de début.")


def _limit_groups(form, activity):
    """The activity's own groups only; no group field at all for an activity without groups."""
    groups = Group.objects.filter(activity=activity)
    form.fields["group"].queryset = groups
    if not groups.exists():
        del form.fields["group"]


def _hours_cap_field():
    return forms.DecimalField(
        label="Heures retenues au plus",
        required=False,
        min_value=0,
        max_value=24,
        decimal_places=2,
        help_text=HOURS_CAP_HELP,
        error_messages={
            "invalid": "Saisissez un nombre d'heures, par exemple 7,5.",
            "min_value": "Le plafond ne peut pas être négatif.",
            "max_value": "Un créneau compte au plus 24 heures.",
            "max_decimal_places": "Au plus deux chiffres après la virgule.",
        },
        localize=True,
    )


class ScheduleForm(AccessibleFormMixin, forms.ModelForm):
    """« Le mardi et le jeudi, de 14 h à 16 h, du 01/09 au 30/06 »."""

    weekdays = forms.MultipleChoiceField(
        label="Les jours de la semaine",
        choices=WEEKDAYS,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Cochez au moins un jour de la semaine.",
            "invalid_choice": "Cochez des jours de la semaine de la liste.",
        },
    )
    hours_cap = _hours_cap_field()

    class Meta:
        model = Schedule
        fields = [
            "weekdays",
            "starts_on",
            "ends_on",
            "start_time",
            "end_time",
            "group",
            "hours_cap",
            "skip_public_holidays",
        ]
        widgets = {
            "starts_on": DATE_WIDGET,
            "ends_on": DATE_WIDGET,
            "start_time": TIME_WIDGET,
            "end_time": TIME_WIDGET,
        }
        labels = {"starts_on": "Première date", "ends_on": "Dernière date", "group": "Pour le groupe"}
        error_messages = {
            "starts_on": {"required": "Indiquez la première date.", **DATE_ERRORS},
            "ends_on": {"required": "Indiquez la dernière date.", **DATE_ERRORS},
            "start_time": {"required": "Indiquez l'heure de début.", **TIME_ERRORS},
            "end_time": {"required": "Indiquez l'heure de fin.", **TIME_ERRORS},
            "group": {"invalid_choice": "Choisissez un groupe de la liste."},
        }

    def __init__(self, *args, activity, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.activity = activity
        self.fields["group"].empty_label = "Tous les participants"
        _limit_groups(self, activity)

    def clean_weekdays(self):
        return ",".join(sorted(self.cleaned_data["weekdays"]))

    def clean(self):
        cleaned = super().clean()
        _check_times(self, cleaned)
        first, last = cleaned.get("starts_on"), cleaned.get("ends_on")
        if first and last:
            if last < first:
                self.add_error("ends_on", "La dernière date est avant la première.")
            elif (last - first).days > MAX_SCHEDULE_DAYS:
                self.add_error("ends_on", "Un rythme couvre au plus un an et un mois : vérifiez l'année.")
        return cleaned


class SessionForm(AccessibleFormMixin, forms.Form):
    date = forms.DateField(
        label="Date", widget=DATE_WIDGET, error_messages={"required": "Indiquez la date.", **DATE_ERRORS}
    )
    start_time = forms.TimeField(
        label="De",
        widget=TIME_WIDGET,
        error_messages={"required": "Indiquez l'heure de début.", **TIME_ERRORS},
    )
    end_time = forms.TimeField(
        label="À", widget=TIME_WIDGET, error_messages={"required": "Indiquez l'heure de fin.", **TIME_ERRORS}
    )
    title = forms.CharField(
        label="Intitulé (facultatif)",
        max_length=150,
        required=False,
        help_text="Par exemple « Sortie à la ferme pédagogique ».",
    )

    def clean(self):
        cleaned = super().clean()
        _check_times(self, cleaned)
        return cleaned


class NewSessionForm(SessionForm):
    group = forms.ModelChoiceField(
        label="Pour le groupe",
        queryset=Group.objects.none(),
        required=False,
        empty_label="Tous les participants",
        error_messages={"invalid_choice": "Choisissez un groupe de la liste."},
    )
    hours_cap = _hours_cap_field()

    def __init__(self, *args, activity, **kwargs):
        super().__init__(*args, **kwargs)
        _limit_groups(self, activity)


class CancelForm(AccessibleFormMixin, forms.Form):
    reason = forms.CharField(
        label="Motif de l'annulation",
        max_length=200,
        help_text="Par exemple « animatrice malade » ou « sortie reportée » : il s'affiche sur la séance.",
        error_messages={"required": "Indiquez pourquoi la séance est annulée."},
    )


class ClosureForm(AccessibleFormMixin, forms.ModelForm):
    class Meta:
        model = Closure
        fields = ["starts_on", "ends_on", "reason"]
        widgets = {"starts_on": DATE_WIDGET, "ends_on": DATE_WIDGET}
        error_messages = {
            "starts_on": {"required": "Indiquez le premier jour de fermeture.", **DATE_ERRORS},
            "ends_on": {"required": "Indiquez le dernier jour de fermeture.", **DATE_ERRORS},
        }
        help_texts = {"reason": "Par exemple « fermeture d'été » ou « pont de l'Ascension »."}

    def clean(self):
        cleaned = super().clean()
        first, last = cleaned.get("starts_on"), cleaned.get("ends_on")
        if first and last:
            if last < first:
                self.add_error("ends_on", "Le dernier jour est avant le premier.")
            elif (last - first).days > MAX_SCHEDULE_DAYS:
                self.add_error("ends_on", "Une fermeture dure au plus un an : vérifiez l'année.")
        return cleaned


class WalkInForm(AccessibleFormMixin, forms.ModelForm):
    """What can be asked at the door: a name, and for the funders' figures, the rest if the person
    agrees to say it."""

    class Meta:
        model = Person
        fields = ["last_name", "first_name", "birth_date", "sex", "city", "in_qpv"]
        widgets = {"birth_date": DATE_WIDGET}
        error_messages = {
            "last_name": {"required": "Indiquez le nom."},
            "first_name": {"required": "Indiquez le prénom."},
            "birth_date": {"invalid": "Saisissez une date valide, par exemple 14/07/1985."},
            "sex": {"invalid_choice": "Choisissez dans la liste."},
        }
        help_texts = {
            "birth_date": "Facultatif : sert au bilan par âge demandé par les financeurs.",
            "city": "Facultatif : sert au bilan par commune.",
            "in_qpv": "Sert uniquement aux statistiques demandées par les financeurs.",
        }

    def clean_birth_date(self):
        value = self.cleaned_data.get("birth_date")
        validate_birth_date(value)
        return value


def _head_count_field(label: str, who: str) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        min_value=0,
        max_value=MAX_HEAD_COUNT,
        error_messages={
            "required": f"Indiquez le nombre {who} (0 si aucun).",
            "invalid": "Saisissez un nombre entier, par exemple 12.",
            "min_value": "Le nombre ne peut pas être négatif.",
            "max_value": "Plus de 2 000 personnes : vérifiez le nombre.",
        },
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )


class HeadCountForm(AccessibleFormMixin, forms.Form):
    adultes = _head_count_field("Adultes venus", "d'adultes")
    enfants = _head_count_field("Enfants venus", "d'enfants")

    def counts(self) -> dict[str, int]:
        return {
            HeadCount.Category.ADULTS: self.cleaned_data["adultes"],
            HeadCount.Category.CHILDREN: self.cleaned_data["enfants"],
        }


class EnrolForm(AccessibleFormMixin, forms.Form):
    joined_on = forms.DateField(
        label="Inscrit(e) à partir du",
        widget=DATE_WIDGET,
        error_messages={"required": "Indiquez la date d'inscription.", **DATE_ERRORS},
    )
    group = forms.ModelChoiceField(
        label="Groupe",
        queryset=Group.objects.none(),
        required=False,
        empty_label="Sans groupe",
        error_messages={"invalid_choice": "Choisissez un groupe de la liste."},
    )

    def __init__(self, *args, activity, **kwargs):
        super().__init__(*args, **kwargs)
        _limit_groups(self, activity)


class PeriodSessionsForm(AccessibleFormMixin, forms.Form):
    start_time = forms.TimeField(
        label="Accueil de",
        widget=TIME_WIDGET,
        error_messages={"required": "Indiquez l'heure d'ouverture.", **TIME_ERRORS},
    )
    end_time = forms.TimeField(
        label="À",
        widget=TIME_WIDGET,
        error_messages={"required": "Indiquez l'heure de fermeture.", **TIME_ERRORS},
    )
    hours_cap = _hours_cap_field()

    def clean(self):
        cleaned = super().clean()
        _check_times(self, cleaned)
        return cleaned

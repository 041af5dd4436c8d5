from __future__ import annotations

from django import forms
from django.utils import timezone

from csc.activities.forms import DATE_ERRORS, DATE_WIDGET
from csc.core.forms import AccessibleFormMixin

from .models import Exchange, Period, Scope, SocialIssue


class PersonsField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, person):
        born = f" (née ou né le {person.birth_date:%d/%m/%Y})" if person.birth_date else ""
        return f"{person.first_name} {person.last_name}{born}"


class PeriodForm(AccessibleFormMixin, forms.Form):
    persons = PersonsField(
        label="Personnes accompagnées",
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Cochez au moins une personne."},
    )
    scope = forms.ModelChoiceField(
        label="Cercle",
        queryset=None,
        empty_label=None,
        help_text="Les intervenants de ce cercle liront le parcours, sauf s'il est confidentiel.",
    )
    issues = forms.ModelMultipleChoiceField(
        label="Problématiques",
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Cochez au moins une problématique."},
    )
    origin = forms.ChoiceField(label="Origine de la demande", choices=Period.Origin.choices)
    requester = forms.CharField(
        label="Demandeur (facultatif)",
        max_length=200,
        required=False,
        help_text="Qui a fait la demande, si ce n'est pas la personne : un partenaire, un proche…",
    )
    opened_on = forms.DateField(
        label="Date d'ouverture", widget=DATE_WIDGET, error_messages=DATE_ERRORS, initial=timezone.localdate
    )
    referent = forms.ModelChoiceField(label="Référent(e)", queryset=None, empty_label=None)
    workers = forms.ModelMultipleChoiceField(
        label="Autres intervenants (facultatif)",
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    place = forms.ChoiceField(label="Lieu principal", choices=Period.Place.choices)
    is_confidential = forms.BooleanField(
        label="Parcours confidentiel",
        required=False,
        help_text="Seuls le ou la référent(e) et les intervenants nommés le liront, pas tout le cercle.",
    )

    def __init__(self, *args, centre, persons, workers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["persons"].queryset = persons
        self.fields["scope"].queryset = Scope.objects.filter(centre=centre)
        self.fields["issues"].queryset = SocialIssue.objects.filter(centre=centre, is_active=True)
        self.fields["referent"].queryset = workers
        self.fields["workers"].queryset = workers


class ExchangeForm(AccessibleFormMixin, forms.Form):
    kind = forms.ChoiceField(label="Type d'échange", choices=Exchange.Kind.choices, widget=forms.RadioSelect)
    happened_on = forms.DateField(
        label="Date", widget=DATE_WIDGET, error_messages=DATE_ERRORS, initial=timezone.localdate
    )
    duration_minutes = forms.IntegerField(
        label="Durée en minutes (facultatif)",
        required=False,
        min_value=1,
        max_value=24 * 60,
        error_messages={
            "invalid": "Saisissez un nombre de minutes, par exemple 45.",
            "min_value": "La durée compte au moins une minute.",
            "max_value": "Une durée ne dépasse pas une journée (1 440 minutes).",
        },
    )
    persons = PersonsField(
        label="Personnes présentes", queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )
    counterpart = forms.CharField(
        label="Lieu, organisme ou interlocuteur (facultatif)",
        max_length=200,
        required=False,
        help_text="Par exemple : CAF, bailleur, Pôle santé… selon le type d'échange.",
    )
    notes = forms.CharField(
        label="Notes",
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="Chiffrées dans la base de données. Écrivez ce qui est utile au suivi, rien de plus.",
    )
    is_private = forms.BooleanField(
        label="Notes privées",
        required=False,
        help_text="Vous seul(e) lirez ces notes ; l'échange reste compté.",
    )

    def __init__(self, *args, persons, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["persons"].queryset = persons


class TaskForm(AccessibleFormMixin, forms.Form):
    title = forms.CharField(label="Tâche", max_length=200)
    assignee = forms.ModelChoiceField(label="Confiée à", queryset=None, empty_label=None)
    due_on = forms.DateField(label="À faire pour le", widget=DATE_WIDGET, error_messages=DATE_ERRORS)
    details = forms.CharField(
        label="Précisions (facultatif)",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, assignees, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = assignees


class CloseForm(AccessibleFormMixin, forms.Form):
    reason = forms.ChoiceField(
        label="Motif de clôture",
        choices=[("", "—")] + list(Period.ClosingReason.choices),
        error_messages={"required": "Choisissez le motif de clôture."},
    )
    closed_on = forms.DateField(
        label="Date de clôture", widget=DATE_WIDGET, error_messages=DATE_ERRORS, initial=timezone.localdate
    )

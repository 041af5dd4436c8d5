from __future__ import annotations

from django import forms
from django.utils import timezone

from csc.core.forms import DATE_ERRORS, DATE_WIDGET, AccessibleFormMixin

from .models import (
    BudgetLine,
    Document,
    Evaluation,
    Exchange,
    LetterTemplate,
    Period,
    Scope,
    SituationField,
    SocialAction,
    SocialIssue,
    ThirdParty,
)


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

    def __init__(self, *args, persons, choices_from=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["persons"].queryset = persons
        if choices_from is not None:
            # The page has already read the period's people: draw the boxes from them, not again from
            # the database (a server-side cursor on PostgreSQL: three round trips).
            field = self.fields["persons"]
            field.choices = [(person.pk, field.label_from_instance(person)) for person in choices_from]


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


TEXT_ERRORS = {"max_length": "Ce texte est trop long."}


def _notes(label: str, help_text: str = "", rows: int = 4) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": rows}),
        help_text=help_text,
        error_messages=TEXT_ERRORS,
    )


class ActionForm(AccessibleFormMixin, forms.Form):
    title = forms.CharField(
        label="Action",
        max_length=200,
        help_text="Par exemple : constituer le dossier de surendettement, ouvrir les droits à la "
        "complémentaire santé.",
        error_messages={"required": "Nommez l'action.", **TEXT_ERRORS},
    )
    issue = forms.ModelChoiceField(
        label="Problématique", queryset=None, required=False, empty_label="— aucune en particulier —"
    )
    goals = _notes("Objectifs", "Ce que l'on cherche à obtenir, avec la personne. Chiffrés dans la base.")
    started_on = forms.DateField(
        label="Début", widget=DATE_WIDGET, error_messages=DATE_ERRORS, initial=timezone.localdate
    )

    def __init__(self, *args, issues, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["issue"].queryset = issues


class EvaluationForm(AccessibleFormMixin, forms.Form):
    progress = forms.ChoiceField(
        label="Évolution",
        choices=Evaluation.Progress.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choisissez l'évolution constatée."},
    )
    evaluated_on = forms.DateField(
        label="Date", widget=DATE_WIDGET, error_messages=DATE_ERRORS, initial=timezone.localdate
    )
    notes = _notes("Observations (facultatif)", rows=3)


class EndActionForm(AccessibleFormMixin, forms.Form):
    result = forms.ChoiceField(
        label="Résultat",
        choices=[("", "—")] + [c for c in SocialAction.Result.choices if c[0] != "in_progress"],
        error_messages={
            "required": "Choisissez le résultat de l'action.",
            "invalid_choice": "Choisissez le résultat de l'action.",
        },
    )
    ended_on = forms.DateField(
        label="Date de fin", widget=DATE_WIDGET, error_messages=DATE_ERRORS, initial=timezone.localdate
    )
    result_notes = _notes("Commentaire (facultatif)", rows=3)


class UploadForm(AccessibleFormMixin, forms.Form):
    """The file is checked by the service, by its content; here only that one was chosen."""

    file = forms.FileField(
        label="Fichier",
        help_text="PDF, photo JPG ou PNG ; 10 Mo au plus. Il est chiffré avant d'être enregistré.",
        error_messages={
            "required": "Choisissez un fichier.",
            "empty": "Ce fichier est vide.",
            "invalid": "Ce fichier n'a pas pu être lu.",
        },
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}),
    )
    title = forms.CharField(
        label="Titre (facultatif)",
        max_length=200,
        required=False,
        help_text="Par exemple : avis d'imposition 2025.",
        error_messages=TEXT_ERRORS,
    )
    category = forms.ChoiceField(label="Catégorie", choices=Document.Category.choices)


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, person):
        return PersonsField.label_from_instance(self, person)


class GenerateForm(AccessibleFormMixin, forms.Form):
    template = forms.ModelChoiceField(
        label="Modèle",
        queryset=None,
        empty_label=None,
        error_messages={"invalid_choice": "Choisissez un modèle de la liste."},
    )
    person = PersonChoiceField(
        label="Pour",
        queryset=None,
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={"required": "Choisissez la personne.", "invalid_choice": "Choisissez la personne."},
    )

    def __init__(self, *args, templates, persons, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["template"].queryset = templates
        self.fields["person"].queryset = persons


class SituationForm(AccessibleFormMixin, forms.Form):
    """One field per line of the centre's situation summary, typed as the centre chose."""

    def __init__(self, *args, fields, **kwargs):
        super().__init__(*args, **kwargs)
        for field, answer in fields:
            name = f"rubrique_{field.pk}"
            common = {"label": field.label, "required": False, "help_text": field.help_text}
            if getattr(answer, "unreadable", False):
                # No key reads the stored answer: shown as such and left out of what is saved, so that
                # saving the other lines neither erases it nor writes this sentence in its place.
                self.fields[name] = forms.CharField(
                    disabled=True, label=field.label, required=False, help_text=str(answer)
                )
                self.fields[name].situation_field = field
                continue
            if field.kind == SituationField.Kind.CHOICE:
                choices = [("", "—")] + [(choice, choice) for choice in field.choice_list]
                if answer and answer not in field.choice_list:
                    choices.append((answer, f"{answer} (ancien choix)"))
                self.fields[name] = forms.ChoiceField(
                    choices=choices, error_messages={"invalid_choice": "Choisissez une réponse."}, **common
                )
            elif field.kind == SituationField.Kind.DATE:
                self.fields[name] = forms.CharField(
                    widget=forms.TextInput(attrs={"placeholder": "jj/mm/aaaa", "inputmode": "numeric"}),
                    **common,
                )
                if answer:
                    answer = "/".join(reversed(answer.split("-")))
            elif field.kind == SituationField.Kind.NUMBER:
                self.fields[name] = forms.CharField(
                    widget=forms.TextInput(attrs={"inputmode": "decimal"}), **common
                )
                answer = answer.replace(".", ",")
            else:
                self.fields[name] = forms.CharField(
                    widget=forms.Textarea(attrs={"rows": 2}), max_length=2000, **common
                )
            self.fields[name].situation_field = field
            self.initial[name] = answer

    def clean(self):
        """Each answer checked against its line's type by the service's rule, every error at once."""
        from .services import CaseworkRefused, clean_situation_answer

        data = super().clean()
        self.answers = {}
        for name, field in self.fields.items():
            if name not in data or field.disabled:
                continue
            try:
                self.answers[field.situation_field.pk] = clean_situation_answer(
                    field.situation_field, data[name]
                )
            except CaseworkRefused as refused:
                self.add_error(name, str(refused))
        return data


class BudgetLineForm(AccessibleFormMixin, forms.Form):
    direction = forms.ChoiceField(
        label="Ressource ou charge", choices=BudgetLine.Direction.choices, widget=forms.RadioSelect
    )
    category = forms.ChoiceField(label="Nature", choices=BudgetLine.Category.choices)
    label = forms.CharField(
        label="Précision (facultatif)", max_length=100, required=False, error_messages=TEXT_ERRORS
    )
    monthly_amount = forms.DecimalField(
        label="Montant mensuel (€)",
        min_value=0,
        max_digits=9,
        decimal_places=2,
        localize=True,
        error_messages={
            "required": "Saisissez le montant mensuel.",
            "invalid": "Saisissez un montant, par exemple 450 ou 450,50.",
            "min_value": "Le montant ne peut pas être négatif.",
            "max_digits": "Ce montant est trop grand.",
            "max_decimal_places": "Deux chiffres après la virgule au plus.",
            "max_whole_digits": "Ce montant est trop grand.",
        },
    )
    started_on = forms.DateField(
        label="Depuis le", widget=DATE_WIDGET, error_messages=DATE_ERRORS, initial=timezone.localdate
    )


class BudgetChangeForm(AccessibleFormMixin, forms.Form):
    monthly_amount = BudgetLineForm.base_fields["monthly_amount"]
    from_date = forms.DateField(label="À partir du", widget=DATE_WIDGET, error_messages=DATE_ERRORS)


class EndLineForm(AccessibleFormMixin, forms.Form):
    ended_on = forms.DateField(label="Dernier jour", widget=DATE_WIDGET, error_messages=DATE_ERRORS)


class ThirdPartyForm(AccessibleFormMixin, forms.ModelForm):
    class Meta:
        model = ThirdParty
        fields = ["kind", "name", "organisation", "phone", "email", "address"]
        labels = {
            "kind": "Type de contact",
            "name": "Nom",
            "organisation": "Structure (facultatif)",
            "phone": "Téléphone (facultatif)",
            "email": "E-mail (facultatif)",
            "address": "Adresse (facultatif)",
        }
        error_messages = {
            "name": {"required": "Saisissez le nom du contact.", **TEXT_ERRORS},
            "email": {"invalid": "Saisissez une adresse e-mail valide, comme nom@exemple.fr."},
        }


ROLE_FIELD = forms.CharField(
    label="Rôle auprès de la personne (facultatif)",
    max_length=100,
    required=False,
    help_text="Par exemple : médecin traitant, bailleur actuel.",
    error_messages=TEXT_ERRORS,
)


class NewContactForm(ThirdPartyForm):
    """A contact not yet in the centre's address book, added to it and to the person's file at once."""

    role = ROLE_FIELD


class ContactForm(AccessibleFormMixin, forms.Form):
    third_party = forms.ModelChoiceField(
        label="Contact du carnet du centre",
        queryset=None,
        error_messages={"required": "Choisissez un contact.", "invalid_choice": "Choisissez un contact."},
    )
    role = ROLE_FIELD

    def __init__(self, *args, third_parties, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["third_party"].queryset = third_parties


class ScopeForm(AccessibleFormMixin, forms.Form):
    name = forms.CharField(
        label="Nom du cercle",
        max_length=100,
        help_text="Par exemple : insertion, famille, accès aux droits.",
        error_messages={"required": "Nommez le cercle.", **TEXT_ERRORS},
    )
    workers = forms.ModelMultipleChoiceField(
        label="Intervenants du cercle",
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Ils liront les parcours de ce cercle qui ne sont pas confidentiels.",
    )

    def __init__(self, *args, workers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["workers"].queryset = workers


class IssueForm(AccessibleFormMixin, forms.Form):
    name = forms.CharField(
        label="Nouvelle problématique",
        max_length=100,
        error_messages={"required": "Nommez la problématique.", **TEXT_ERRORS},
    )


class SituationFieldForm(AccessibleFormMixin, forms.ModelForm):
    class Meta:
        model = SituationField
        fields = ["label", "kind", "choices", "help_text", "position", "is_active"]
        labels = {
            "label": "Intitulé",
            "kind": "Type de réponse",
            "choices": "Choix proposés (pour « choix dans une liste »)",
            "help_text": "Aide pour la personne qui remplit (facultatif)",
            "position": "Ordre d'affichage",
            "is_active": "Proposée dans les dossiers",
        }
        widgets = {"choices": forms.Textarea(attrs={"rows": 4})}
        error_messages = {
            "label": {"required": "Saisissez l'intitulé.", **TEXT_ERRORS},
            "position": {"invalid": "Saisissez un nombre entier, par exemple 1."},
        }


class TemplateForm(AccessibleFormMixin, forms.ModelForm):
    class Meta:
        model = LetterTemplate
        fields = ["kind", "name", "body", "is_active"]
        labels = {
            "kind": "Type",
            "name": "Nom du modèle",
            "body": "Texte",
            "is_active": "Proposé aux intervenants",
        }
        widgets = {"body": forms.Textarea(attrs={"rows": 16})}
        help_texts = {
            "body": "Mise en forme simple : **gras**, *italique*, # titre, listes avec « - ». Les champs "
            "entre accolades sont remplacés à la génération (liste ci-dessous).",
        }
        error_messages = {
            "name": {"required": "Nommez le modèle.", **TEXT_ERRORS},
            "body": {"required": "Écrivez le texte du modèle."},
        }

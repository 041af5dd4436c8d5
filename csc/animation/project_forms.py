"""Forms of the pedagogical project pages."""

from __future__ import annotations

from django import forms

from csc.core.forms import AccessibleFormMixin

from .models import Objective


class IntroductionForm(AccessibleFormMixin, forms.Form):
    introduction = forms.CharField(
        label="Nos intentions",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Quelques phrases sur ce que l'équipe veut faire vivre aux enfants et aux familles.",
    )


class ObjectiveForm(AccessibleFormMixin, forms.Form):
    level = forms.ChoiceField(
        label="Niveau",
        choices=Objective.Level.choices,
        initial=Objective.Level.GENERAL,
        widget=forms.RadioSelect,
    )
    text = forms.CharField(
        label="Objectif",
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Une phrase qui commence par un verbe : « Développer l'autonomie des enfants ».",
    )
    parent = forms.ModelChoiceField(
        label="Objectif général qu'il précise",
        queryset=Objective.objects.none(),
        required=False,
        empty_label="— (pour un objectif opérationnel)",
        help_text="Seulement pour un objectif opérationnel.",
    )

    def __init__(self, *args, project, fixed_level: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        # Only this project's general objectives: a posted id of another centre is refused here.
        self.fields["parent"].queryset = (
            project.objectives.filter(level=Objective.Level.GENERAL)
            if project.pk
            else Objective.objects.none()
        )
        self.fields["parent"].error_messages["invalid_choice"] = (
            "Choisissez un objectif général de ce projet."
        )
        if fixed_level:
            del self.fields["level"]
            self.fixed_level = fixed_level
            if fixed_level == Objective.Level.GENERAL:
                del self.fields["parent"]

    def clean(self):
        data = super().clean()
        level = getattr(self, "fixed_level", None) or data.get("level")
        if level == Objective.Level.OPERATIONAL and "parent" in self.fields and not data.get("parent"):
            self.add_error("parent", "Choisissez l'objectif général que cet objectif opérationnel précise.")
        if level == Objective.Level.GENERAL and data.get("parent"):
            self.add_error("parent", "Un objectif général ne dépend pas d'un autre objectif : laissez vide.")
        data["level"] = level
        return data

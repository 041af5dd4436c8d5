"""Forms of the planning pages. They only offer, and only accept, what belongs to the planning's centre:
its periods and activities, the activity's groups, the planning's days, the centre's animators, the
objectives of its pedagogical project, the sheets it may read. Anything else posted (an id of another
centre's group, sheet or colleague) is an invalid choice, never stored.

Choice lists are built from objects the view already loaded, so that a page showing these forms in its
dialogs pays no query per form.
"""

from __future__ import annotations

from datetime import date, time

from django import forms
from django.db.models import Max, Min

from csc.activities.models import Activity, Period
from csc.core.cleaning import CleanTextMixin
from csc.core.forms import AccessibleFormMixin

from .models import ActivitySheet, Planning, PlanningEntry
from .plannings import WEEKDAY_NAMES, SlotHours, day_label, default_title, full_name, monday_of

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME_INPUT = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
DATE_ERRORS = {"invalid": "Saisissez une date valide, par exemple 21/12/2026."}
TIME_ERRORS = {"invalid": "Saisissez une heure valide, par exemple 09:00.", "required": "Saisissez l'heure."}


def _time_field(label: str, initial: time) -> forms.TimeField:
    return forms.TimeField(label=label, initial=initial, widget=TIME_INPUT, error_messages=TIME_ERRORS)


class HoursFieldsMixin:
    """The four hours of the slots, checked together."""

    def add_hour_fields(self, hours: SlotHours) -> None:
        self.fields["morning_start"] = _time_field("Matin : de", hours.morning_start)
        self.fields["morning_end"] = _time_field("Matin : à", hours.morning_end)
        self.fields["afternoon_start"] = _time_field("Après-midi : de", hours.afternoon_start)
        self.fields["afternoon_end"] = _time_field("Après-midi : à", hours.afternoon_end)

    def slot_hours(self) -> SlotHours:
        data = self.cleaned_data
        return SlotHours(
            data["morning_start"], data["morning_end"], data["afternoon_start"], data["afternoon_end"]
        )

    def check_hours(self) -> None:
        data = self.cleaned_data
        if None in (
            data.get(name) for name in ("morning_start", "morning_end", "afternoon_start", "afternoon_end")
        ):
            return
        if data["morning_end"] <= data["morning_start"]:
            self.add_error("morning_end", "Le matin doit finir après avoir commencé.")
        if data["afternoon_end"] <= data["afternoon_start"]:
            self.add_error("afternoon_end", "L'après-midi doit finir après avoir commencé.")
        elif data["afternoon_start"] < data["morning_end"]:
            self.add_error("afternoon_start", "L'après-midi commence avant la fin du matin.")


class PeriodSelect(forms.Select):
    """Each period carries the title its planning gets by default, so the page can prefill it."""

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        period = getattr(value, "instance", None)
        if period is not None:
            option["attrs"]["data-title"] = default_title(activity=period.activity, period=period)
        return option


class PeriodChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, period):
        if period.first_day:
            dates = f"du {period.first_day:%d/%m/%Y} au {period.last_day:%d/%m/%Y}"
            return f"{period.name} — {period.activity.name} ({dates})"
        return f"{period.name} — {period.activity.name} (aucun jour d'ouverture)"


class PlanningCreateForm(HoursFieldsMixin, AccessibleFormMixin, forms.Form):
    kind = forms.ChoiceField(
        label="Ce planning est pour",
        choices=[
            (Planning.Kind.PERIOD, "une période d'accueil de loisirs (vacances, mercredis)"),
            (Planning.Kind.WEEK, "une semaine d'une activité (jours choisis)"),
        ],
        initial=Planning.Kind.PERIOD,
        widget=forms.RadioSelect,
    )
    period = PeriodChoiceField(
        label="Période",
        queryset=Period.objects.none(),
        required=False,
        widget=PeriodSelect,
        empty_label="— choisir une période —",
        help_text="Les jours du planning sont les jours d'ouverture de la période.",
    )
    starts_on = forms.DateField(
        label="Seulement à partir du",
        required=False,
        widget=DATE_INPUT,
        error_messages=DATE_ERRORS,
        help_text="Facultatif : pour une longue période, faites un planning par moitié.",
    )
    ends_on = forms.DateField(
        label="Seulement jusqu'au", required=False, widget=DATE_INPUT, error_messages=DATE_ERRORS
    )
    activity = forms.ModelChoiceField(
        label="Activité",
        queryset=Activity.objects.none(),
        required=False,
        empty_label="— choisir une activité —",
    )
    week_of = forms.DateField(
        label="Semaine du",
        required=False,
        widget=DATE_INPUT,
        error_messages=DATE_ERRORS,
        help_text="N'importe quel jour de la semaine : le planning commence le lundi.",
    )
    weekdays = forms.TypedMultipleChoiceField(
        label="Jours programmés",
        choices=[(index, name) for index, name in enumerate(WEEKDAY_NAMES)],
        coerce=int,
        initial=[0, 1, 2, 3, 4],
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Les fermetures du centre et les jours fériés sont retirés.",
    )
    title = forms.CharField(
        label="Titre",
        max_length=150,
        required=False,
        help_text="Laissé vide : le nom de la période (ou la semaine) et de l'activité.",
    )

    def __init__(self, *args, centre, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["period"].queryset = (
            Period.objects.filter(activity__centre_id=centre.pk, activity__kind=Activity.Kind.LEISURE_CENTRE)
            .select_related("activity")
            .annotate(first_day=Min("days__date"), last_day=Max("days__date"))
            .order_by("-first_day", "-id")
        )
        self.fields["activity"].queryset = Activity.objects.filter(centre_id=centre.pk).order_by("name", "id")
        self.add_hour_fields(SlotHours())

    def clean(self):
        data = super().clean()
        if (
            data.get("kind") == Planning.Kind.PERIOD
            and not data.get("period")
            and "period" not in self.errors
        ):
            self.add_error("period", "Choisissez la période.")
        if data.get("kind") == Planning.Kind.WEEK:
            if not data.get("activity") and "activity" not in self.errors:
                self.add_error("activity", "Choisissez l'activité.")
            if not data.get("week_of") and "week_of" not in self.errors:
                self.add_error("week_of", "Choisissez la semaine.")
            if not data.get("weekdays") and "weekdays" not in self.errors:
                self.add_error("weekdays", "Choisissez au moins un jour.")
        self.check_hours()
        return data


class PlanningSettingsForm(HoursFieldsMixin, AccessibleFormMixin, forms.Form):
    title = forms.CharField(label="Titre", max_length=150)

    def __init__(self, *args, planning: Planning, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["title"].initial = planning.title
        self.add_hour_fields(
            SlotHours(
                planning.morning_start, planning.morning_end, planning.afternoon_start, planning.afternoon_end
            )
        )

    def clean(self):
        data = super().clean()
        self.check_hours()
        return data


# --- Placing and moving --------------------------------------------------------------------------


class RevisionMixin:
    def add_revision(self, planning: Planning) -> None:
        self.fields["revision"] = forms.IntegerField(
            label="Version du planning",
            widget=forms.HiddenInput,
            required=False,
            initial=planning.revision,
            min_value=0,
            max_value=2**31,
        )


class CellForm(RevisionMixin, AccessibleFormMixin, forms.Form):
    """Where: a group (when the activity has groups), a day of the planning, a slot."""

    prefix_ids = ""

    def __init__(self, *args, planning: Planning, days: list[date], groups: list, **kwargs):
        super().__init__(*args, **kwargs)
        self.groups = {str(g.pk): g for g in groups if g is not None}
        if self.groups:
            self.fields["group"] = forms.ChoiceField(
                label="Groupe", choices=[(key, g.name) for key, g in self.groups.items()]
            )
        self.fields["day"] = forms.TypedChoiceField(
            label="Jour", choices=[(d.isoformat(), day_label(d)) for d in days], coerce=date.fromisoformat
        )
        self.fields["slot"] = forms.ChoiceField(label="Moment", choices=PlanningEntry.Slot.choices)
        self.add_revision(planning)

    def clean_group(self):
        return self.groups.get(self.cleaned_data["group"])

    def cell(self) -> dict:
        return {
            "group": self.cleaned_data.get("group"),
            "day": self.cleaned_data["day"],
            "slot": self.cleaned_data["slot"],
        }


def _animator_field(animators) -> forms.TypedMultipleChoiceField:
    return forms.TypedMultipleChoiceField(
        label="Animateurs",
        choices=[(a.pk, full_name(a)) for a in animators],
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


def _objective_field(objectives) -> forms.TypedMultipleChoiceField:
    return forms.TypedMultipleChoiceField(
        label="Objectifs du projet servis",
        choices=[(o.pk, o.text) for o in objectives],
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Pour une activité libre ; une fiche dit déjà les objectifs qu'elle sert.",
    )


class PeopleMixin:
    """Animators and objectives chosen among lists the view loaded, returned as objects."""

    def add_people(self, animators, objectives) -> None:
        self.animator_objects = {a.pk: a for a in animators}
        self.objective_objects = {o.pk: o for o in objectives or []}
        self.fields["animators"] = _animator_field(animators)
        self.fields["notes"] = forms.CharField(
            label="Précisions",
            max_length=300,
            required=False,
            help_text="Visibles par les familles sur le programme publié, "
            "par exemple « prévoir une casquette ».",
        )
        if objectives is not None:
            self.fields["objectives"] = _objective_field(objectives)

    def clean_animators(self):
        return [self.animator_objects[pk] for pk in self.cleaned_data["animators"]]

    def clean_objectives(self):
        return [self.objective_objects[pk] for pk in self.cleaned_data["objectives"]]


class PlaceForm(PeopleMixin, CellForm):
    """Place a sheet (hidden `sheet`) or a free activity (its `title`)."""

    sheet = forms.IntegerField(
        label="Fiche", widget=forms.HiddenInput, required=False, min_value=1, max_value=2**31
    )
    title = forms.CharField(label="Titre de l'activité libre", max_length=200, required=False)

    def __init__(self, *args, planning, days, groups, animators, objectives, **kwargs):
        super().__init__(*args, planning=planning, days=days, groups=groups, **kwargs)
        self.planning = planning
        self.add_people(animators, objectives)
        self.order_fields(["sheet", "title", "group", "day", "slot", "animators", "notes", "objectives"])

    def clean_sheet(self):
        sheet_id = self.cleaned_data.get("sheet")
        if not sheet_id:
            return None
        sheet = ActivitySheet.objects.readable_in(self.planning.centre_id).filter(pk=sheet_id).first()
        if sheet is None:
            raise forms.ValidationError("Cette fiche n'existe pas ou n'est pas partagée avec votre centre.")
        return sheet

    def clean(self):
        data = super().clean()
        if not data.get("sheet") and not (data.get("title") or "").strip() and "sheet" not in self.errors:
            self.add_error("title", "Donnez un titre à l'activité libre, par exemple « Jeux de cour ».")
        return data


class MoveForm(CellForm):
    pass


class EntryForm(PeopleMixin, RevisionMixin, AccessibleFormMixin, forms.Form):
    title = forms.CharField(label="Activité", max_length=200)

    def __init__(self, *args, entry: PlanningEntry, planning: Planning, animators, objectives, **kwargs):
        super().__init__(*args, **kwargs)
        # A sheet says which objectives it serves: only free activities choose theirs here.
        self.add_people(animators, objectives if entry.sheet_id is None else None)
        self.add_revision(planning)
        if not self.is_bound:
            self.initial.update(
                title=entry.title,
                notes=entry.notes,
                animators=[a.pk for a in entry.animators.all()],
                objectives=[o.pk for o in entry.objectives.all()],
            )


# --- Copying a week, publishing ------------------------------------------------------------------------


class PlanningChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, planning):
        return f"{planning.title} (du {planning.starts_on:%d/%m/%Y} au {planning.ends_on:%d/%m/%Y})"


class CopyWeekForm(AccessibleFormMixin, forms.Form):
    source_week = forms.TypedChoiceField(label="Copier la semaine du", coerce=date.fromisoformat)
    target = PlanningChoiceField(label="Vers le planning", queryset=Planning.objects.none(), empty_label=None)
    target_week = forms.DateField(
        label="Semaine du",
        widget=DATE_INPUT,
        error_messages={**DATE_ERRORS, "required": "Choisissez la semaine où copier."},
        help_text="N'importe quel jour de la semaine visée : on copie lundi sur lundi, mardi sur mardi…",
    )

    def __init__(self, *args, planning: Planning, weeks: list[date], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["source_week"].choices = [(w.isoformat(), f"lundi {w:%d/%m/%Y}") for w in weeks]
        self.fields["target"].queryset = Planning.objects.filter(
            centre_id=planning.centre_id, activity_id=planning.activity_id
        ).order_by("-starts_on", "-id")
        self.fields["target"].initial = planning.pk

    def clean_target_week(self):
        return monday_of(self.cleaned_data["target_week"])


class RevisionForm(CleanTextMixin, RevisionMixin, forms.Form):
    """Publishing: only the revision the person saw."""

    def __init__(self, *args, planning: Planning, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_revision(planning)

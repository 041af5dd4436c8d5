"""Staff set-up of leisure centres (« Réglages des activités »): seasons and membership grids,
activities, age groups, units, periods with their days and places, tariff grids.

Every object is fetched through `visible_to(user, ACTIVITIES_CONFIGURE)`: another centre's object,
or a role that does not configure activities, gets a 404.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Max, Min, Prefetch, Q
from django.shortcuts import get_object_or_404, redirect, render

from csc.core.forms import date_lines, error_summary, posted
from csc.core.money import euros
from csc.core.pagination import CountSparingPaginator
from csc.core.tenancy import centres_with, require_capability
from csc.people.models import Season

from . import services, tariff_setup
from .capabilities import ACTIVITIES_CONFIGURE
from .forms import (
    ActivityForm,
    CapacityForm,
    CommuneListForm,
    DayListForm,
    DaysGeneratorForm,
    GridRulesForm,
    GridShape,
    GroupForm,
    MembershipGridForm,
    PeriodForm,
    SeasonForm,
    TariffAidForm,
    TariffFeesForm,
    TariffGridForm,
    UnitForm,
    rank_label,
)
from .models import (
    Activity,
    CommuneList,
    Group,
    GroupDay,
    Period,
    TariffAid,
    TariffColumn,
    TariffFee,
    TariffGrid,
    Unit,
)
from .tariffs import load_tariff_table

CONFIGURE = ACTIVITIES_CONFIGURE
PAGE_SIZE = 25
ADD_ROW = "ajouter-tranche"


def _seasons(request):
    return Season.objects.visible_to(request.user, CONFIGURE)


def _activity(request, activity_id):
    return get_object_or_404(
        Activity.objects.visible_to(request.user, CONFIGURE).select_related("season"), pk=activity_id
    )


def _group(request, group_id):
    return get_object_or_404(
        Group.objects.visible_to(request.user, CONFIGURE).select_related("activity"), pk=group_id
    )


def _unit(request, unit_id):
    # Units have no centre of their own: they are reached through their activity's.
    units = Unit.objects.filter(activity__centre_id__in=centres_with(request.user, CONFIGURE))
    return get_object_or_404(units.select_related("activity"), pk=unit_id)


def _period(request, period_id):
    return get_object_or_404(
        Period.objects.visible_to(request.user, CONFIGURE).select_related("activity"), pk=period_id
    )


def _periods_with_days():
    return Period.objects.annotate(
        day_count=Count("days"), first_day=Min("days__date"), last_day=Max("days__date")
    ).order_by("registration_opens_on", "id")


def _adds_row(request) -> bool:
    return request.method == "POST" and request.POST.get("action") == ADD_ROW


# --- seasons ---------------------------------------------------------------------------------------


@login_required
def season_list(request):
    centre = require_capability(request, CONFIGURE)
    seasons = _seasons(request).filter(centre=centre).prefetch_related("membership_fees")
    page = CountSparingPaginator(seasons, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "activities/season_list.html", {"centre": centre, "page": page})


@login_required
def season_create(request):
    centre = require_capability(request, CONFIGURE)
    form = SeasonForm(posted(request))
    if request.method == "POST" and form.is_valid():
        season = form.save(commit=False)
        season.centre = centre
        season.save()
        messages.success(
            request, f"Saison « {season.name} » créée. Indiquez maintenant sa grille d'adhésion."
        )
        return redirect("activities:season_fees", season_id=season.pk)
    return render(
        request,
        "activities/season_form.html",
        {"form": form, "season": None, "summary": error_summary(form)},
    )


@login_required
def season_edit(request, season_id):
    season = get_object_or_404(_seasons(request), pk=season_id)
    form = SeasonForm(posted(request), instance=season)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, f"Saison « {season.name} » enregistrée.")
        return redirect("activities:season_list")
    return render(
        request,
        "activities/season_form.html",
        {"form": form, "season": season, "summary": error_summary(form)},
    )


@login_required
def season_fees(request, season_id):
    season = get_object_or_404(_seasons(request), pk=season_id)
    fees = list(season.membership_fees.all())
    if request.method == "POST":
        form = MembershipGridForm(request.POST)
    else:
        form = MembershipGridForm(
            initial={"membership_basis": season.membership_basis},
            initial_rows=[{"lower": f.lower, "upper": f.upper, "montant": f.amount} for f in fees],
        )
    if _adds_row(request):
        form = form.with_more_rows()
    elif request.method == "POST" and form.is_valid():
        try:
            services.save_membership_grid(
                season=season, basis=form.cleaned_data["membership_basis"], rows=form.fees()
            )
        except services.GridInvalid as error:
            form.add_row_errors(error.errors)
        else:
            messages.success(request, f"Grille d'adhésion de la saison « {season.name} » enregistrée.")
            return redirect("activities:season_list")
    return render(
        request,
        "activities/season_fees.html",
        {"season": season, "form": form, "summary": error_summary(form)},
    )


# --- activities ------------------------------------------------------------------------------------


@login_required
def activity_list(request):
    centre = require_capability(request, CONFIGURE)
    activities = (
        Activity.objects.visible_to(request.user, CONFIGURE)
        .filter(centre=centre)
        .select_related("season")
        .prefetch_related(Prefetch("periods", queryset=_periods_with_days()))
    )
    page = CountSparingPaginator(activities, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "activities/activity_list.html", {"centre": centre, "page": page})


@login_required
def activity_create(request):
    centre = require_capability(request, CONFIGURE)
    form = ActivityForm(
        posted(request),
        seasons=_seasons(request).filter(centre=centre),
        commune_lists=CommuneList.objects.filter(centre=centre),
    )
    if request.method == "POST" and form.is_valid():
        activity = form.save(commit=False)
        activity.centre = centre
        activity.save()
        form.save_m2m()
        messages.success(
            request, f"Activité « {activity.name} » créée. Ajoutez ses groupes, ses unités et ses périodes."
        )
        return redirect("activities:activity_detail", activity_id=activity.pk)
    return render(
        request,
        "activities/activity_form.html",
        {"form": form, "activity": None, "summary": error_summary(form)},
    )


@login_required
def activity_edit(request, activity_id):
    activity = _activity(request, activity_id)
    form = ActivityForm(
        posted(request),
        instance=activity,
        seasons=_seasons(request).filter(centre=activity.centre_id),
        commune_lists=CommuneList.objects.filter(centre=activity.centre_id),
    )
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, f"Activité « {activity.name} » enregistrée.")
        return redirect("activities:activity_detail", activity_id=activity.pk)
    return render(
        request,
        "activities/activity_form.html",
        {"form": form, "activity": activity, "summary": error_summary(form)},
    )


@login_required
def activity_detail(request, activity_id):
    activity = _activity(request, activity_id)
    grids = {grid.group_id: grid for grid in TariffGrid.objects.filter(activity=activity)}
    return render(
        request,
        "activities/activity_detail.html",
        {
            "activity": activity,
            "groups": list(activity.groups.all()),
            "units": list(activity.units.all()),
            "periods": _periods_with_days().filter(activity=activity),
            "has_general_grid": None in grids,
            "grid_group_ids": {group_id for group_id in grids if group_id is not None},
        },
    )


# --- groups and units ------------------------------------------------------------------------------


def _object_form(request, *, form, title, activity, submit, intro="", back=""):
    return render(
        request,
        "activities/object_form.html",
        {
            "form": form,
            "title": title,
            "activity": activity,
            "submit": submit,
            "intro": intro,
            "back": back,
            "summary": error_summary(form),
        },
    )


@login_required
def group_create(request, activity_id):
    activity = _activity(request, activity_id)
    form = GroupForm(posted(request), instance=Group(activity=activity))
    if request.method == "POST" and form.is_valid():
        group = services.save_group(form.save(commit=False))
        messages.success(request, f"Groupe « {group.name} » ajouté, avec ses places sur les jours ouverts.")
        return redirect("activities:activity_detail", activity_id=activity.pk)
    return _object_form(
        request, form=form, title="Ajouter un groupe d'âge", activity=activity, submit="Ajouter le groupe"
    )


@login_required
def group_edit(request, group_id):
    group = _group(request, group_id)
    form = GroupForm(posted(request), instance=group)
    if request.method == "POST" and form.is_valid():
        services.save_group(form.save(commit=False))
        messages.success(request, f"Groupe « {group.name} » enregistré.")
        return redirect("activities:activity_detail", activity_id=group.activity_id)
    return _object_form(
        request,
        form=form,
        title=f"Modifier le groupe « {group.name} »",
        activity=group.activity,
        submit="Enregistrer",
    )


def _confirm_delete(request, *, delete, activity, title: str, explanation: str, done: str, back: str = ""):
    """Confirm, then delete; a deletion the data refuses (bookings exist) is explained on the page.
    `back="tariffs"`: the page comes from, and returns to, the activity's tariffs."""
    error = None
    if request.method == "POST":
        try:
            delete()
        except ValueError as refused:
            error = str(refused)
        else:
            messages.success(request, done)
            return redirect(
                "activities:tariffs" if back == "tariffs" else "activities:activity_detail",
                activity_id=activity.pk,
            )
    return render(
        request,
        "activities/confirm_delete.html",
        {"title": title, "explanation": explanation, "activity": activity, "error": error, "back": back},
    )


@login_required
def group_delete(request, group_id):
    group = _group(request, group_id)
    return _confirm_delete(
        request,
        delete=lambda: services.delete_group(group),
        activity=group.activity,
        title=f"Supprimer le groupe « {group.name} »",
        explanation="Ses places sur tous les jours et sa grille tarifaire propre sont supprimées aussi.",
        done=f"Groupe « {group.name} » supprimé.",
    )


@login_required
def unit_create(request, activity_id):
    activity = _activity(request, activity_id)
    position = (activity.units.aggregate(last=Max("position"))["last"] or 0) + 1
    form = UnitForm(posted(request), instance=Unit(activity=activity), initial={"position": position})
    if request.method == "POST" and form.is_valid():
        unit = form.save()
        messages.success(
            request, f"Unité « {unit.name} » ajoutée. Indiquez son prix dans la grille tarifaire."
        )
        return redirect("activities:activity_detail", activity_id=activity.pk)
    return _object_form(
        request,
        form=form,
        title="Ajouter une unité",
        activity=activity,
        submit="Ajouter l'unité",
        intro="Ce que les familles réservent pour un jour : une journée, une demi-journée, un repas.",
    )


@login_required
def unit_edit(request, unit_id):
    unit = _unit(request, unit_id)
    form = UnitForm(posted(request), instance=unit)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, f"Unité « {unit.name} » enregistrée.")
        return redirect("activities:activity_detail", activity_id=unit.activity_id)
    return _object_form(
        request,
        form=form,
        title=f"Modifier l'unité « {unit.name} »",
        activity=unit.activity,
        submit="Enregistrer",
    )


@login_required
def unit_delete(request, unit_id):
    unit = _unit(request, unit_id)
    return _confirm_delete(
        request,
        delete=lambda: services.delete_unit(unit),
        activity=unit.activity,
        title=f"Supprimer l'unité « {unit.name} »",
        explanation="Ses prix sont retirés de toutes les grilles tarifaires de l'activité.",
        done=f"Unité « {unit.name} » supprimée.",
    )


# --- periods, days and places ----------------------------------------------------------------------


@login_required
def period_create(request, activity_id):
    activity = _activity(request, activity_id)
    form = PeriodForm(posted(request), instance=Period(activity=activity))
    days_form = DaysGeneratorForm(posted(request), prefix="jours")
    if request.method == "POST" and all([form.is_valid(), days_form.is_valid()]):
        period = services.create_period(form.save(commit=False), days_form.dates())
        messages.success(
            request, f"Période « {period.name} » créée avec {len(days_form.dates())} jours d'ouverture."
        )
        return redirect("activities:period_detail", period_id=period.pk)
    return render(
        request,
        "activities/period_form.html",
        {
            "form": form,
            "days_form": days_form,
            "activity": activity,
            "period": None,
            "summary": error_summary(form, days_form),
        },
    )


@login_required
def period_edit(request, period_id):
    period = _period(request, period_id)
    form = PeriodForm(posted(request), instance=period)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, f"Période « {period.name} » enregistrée.")
        return redirect("activities:period_detail", period_id=period.pk)
    return render(
        request,
        "activities/period_form.html",
        {
            "form": form,
            "days_form": None,
            "activity": period.activity,
            "period": period,
            "summary": error_summary(form),
        },
    )


@login_required
def period_detail(request, period_id):
    """The period, its days, and the places of each group on each day (the table is the form)."""
    period = _period(request, period_id)
    days = list(period.days.all())
    groups = list(period.activity.groups.all())
    group_days = GroupDay.objects.filter(day__period=period)
    form = CapacityForm(posted(request), groups=groups, days=days, group_days=group_days)
    if request.method == "POST" and form.is_valid():
        try:
            services.set_capacities(period, form.changes())
        except services.CapacityInvalid as error:
            form.add_capacity_errors(error.errors)
        else:
            messages.success(request, "Places enregistrées.")
            return redirect("activities:period_detail", period_id=period.pk)
    return render(
        request,
        "activities/period_detail.html",
        {
            "period": period,
            "activity": period.activity,
            "days": days,
            "groups": groups,
            "form": form,
            "summary": error_summary(form),
        },
    )


@login_required
def period_days(request, period_id):
    """Choose the days of a period: by weekdays between two dates, or by editing the list of dates."""
    period = _period(request, period_id)
    current = [day.date for day in period.days.all()]
    chosen = request.POST.get("formulaire") if request.method == "POST" else None
    generator = DaysGeneratorForm(
        request.POST if chosen == "semaine" else None, prefix="jours", with_mode=True
    )
    listing = DayListForm(
        request.POST if chosen == "liste" else None, prefix="liste", initial={"dates": date_lines(current)}
    )
    form = generator if chosen == "semaine" else listing if chosen == "liste" else None
    if form is not None and form.is_valid():
        if form is listing:
            dates = form.cleaned_data["dates"]
        else:
            dates = sorted(set(current) | set(form.dates())) if form.adds else form.dates()
        try:
            services.change_period_days(period, dates)
        except ValueError as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, f"Jours enregistrés : la période compte {len(set(dates))} jours.")
            return redirect("activities:period_detail", period_id=period.pk)
    return render(
        request,
        "activities/period_days.html",
        {
            "period": period,
            "activity": period.activity,
            "days": current,
            "generator": generator,
            "listing": listing,
            "summary": error_summary(generator, listing),
        },
    )


# --- tariff grids ----------------------------------------------------------------------------------


def _percent(value) -> str:
    return f"{value.normalize():f}".replace(".", ",") + " %"


def _cell_text(grid, index, unit_id, column, rank) -> str | None:
    """A cell as a family reads it: « 4,15 € », « 0,85 % du quotient, entre 3,00 € et 12,00 € »."""
    cell = grid.cells.get((index, unit_id, column, rank))
    if cell is None:
        return None
    if grid.method == TariffGrid.Method.EFFORT_RATE and cell.rate is not None:
        return f"{_percent(cell.rate)} du quotient, entre {euros(cell.price)} et {euros(cell.price_max)}"
    if grid.method == TariffGrid.Method.LINEAR and cell.price_max not in (None, cell.price):
        return f"de {euros(cell.price)} à {euros(cell.price_max)}"
    return euros(cell.price)


def _grid_rules(grid, units) -> list[str]:
    """The rules of a saved grid, one sentence each, as the read-only page states them."""
    Kind = TariffColumn.Kind
    rules = [str(TariffGrid.Method(grid.method).label) + "."]
    if len(grid.columns) > 1:
        names = ", ".join(f"« {Kind(kind).label} »" for kind in grid.columns)
        rules.append(
            f"Colonnes de prix : {names}. Quand plusieurs s'appliquent : "
            f"{str(TariffGrid.ColumnChoice(grid.column_choice).label).lower()}."
        )
    if grid.rank_mode == TariffGrid.RankMode.PERCENT:
        fourth = grid.fourth_child_reduction
        rules.append(
            f"Réduction selon le rang de l'enfant : 2e enfant {_percent(grid.second_child_reduction)}, "
            f"3e enfant {_percent(grid.third_child_reduction)}, 4e et plus "
            f"{_percent(fourth if fourth is not None else grid.third_child_reduction)}."
        )
    elif grid.rank_mode == TariffGrid.RankMode.PRICE:
        rules.append(f"Un prix par rang de l'enfant ({grid.rank_count} rangs, le dernier vaut « et plus »).")
    if grid.large_family_children:
        rules.append(
            f"Familles de {grid.large_family_children} enfants à charge ou plus : la tranche du dessous."
        )
    cap = next((u for u in units if u.pk == grid.daily_cap_unit_id), None)
    if cap:
        rules.append(f"Les unités d'un même jour (repas à part) ne coûtent jamais plus que « {cap.name} ».")
    return rules


def _grid_tables(activity, groups):
    """The saved grids as the read-only page shows them: the general one first, then each group's; per
    grid its rules and one table per price column (and rank)."""
    table = load_tariff_table(activity)
    units = list(table.units.values())
    result = []
    for group in [None, *groups]:
        grid = table.grids.get(group.pk if group else None)
        if grid is None:
            continue
        ranks = range(1, (grid.rank_count if grid.rank_mode == TariffGrid.RankMode.PRICE else 1) + 1)
        price_tables = []
        for column in grid.columns:
            for rank in ranks:
                caption = f"Colonne « {TariffColumn.Kind(column).label} »"
                if len(ranks) > 1:
                    caption += f", {rank_label(rank, len(ranks))}"
                rows = [
                    {
                        "label": bracket.label,
                        "cells": [_cell_text(grid, index, unit.pk, column, rank) for unit in units],
                    }
                    for index, bracket in enumerate(grid.brackets)
                ]
                price_tables.append({"caption": caption, "rows": rows})
        result.append(
            {"group": group, "grid": grid, "rules": _grid_rules(grid, units), "tables": price_tables}
        )
    return units, table, result


@login_required
def tariffs(request, activity_id):
    activity = _activity(request, activity_id)
    groups = list(activity.groups.all())
    units, table, grids = _grid_tables(activity, groups)
    with_grid = {entry["group"].pk for entry in grids if entry["group"]}
    return render(
        request,
        "activities/tariffs.html",
        {
            "activity": activity,
            "units": units,
            "grids": grids,
            "aids": [
                {
                    # The engine's aids come in the same order (position, id) as their ids here.
                    "id": aid_id,
                    "aid": aid,
                    "funder": TariffAid.Funder(aid.funder).label,
                    "amounts": [
                        (table.units[u].name, v) for u, v in aid.per_unit.items() if u in table.units
                    ],
                }
                for aid_id, aid in zip(
                    TariffAid.objects.filter(activity=activity).values_list("pk", flat=True),
                    table.aids,
                    strict=False,
                )
            ],
            "fees": [
                (name, TariffFee.Kind(kind).label, amount) for kind, (name, amount) in table.fees.items()
            ],
            "commune_lists": activity.resident_commune_lists.all(),
            "has_general_grid": any(entry["group"] is None for entry in grids),
            "groups_without_grid": [g for g in groups if g.pk not in with_grid],
        },
    )


def _saved_spec(activity, group):
    """The grid the editor starts from: the group's own, else the general one (a group's first grid
    starts from it: most centres change a few prices only), else an empty grid."""
    wanted = Q(group__isnull=True) | Q(group=group) if group else Q(group__isnull=True)
    grids = {
        grid.group_id: grid
        for grid in TariffGrid.objects.filter(wanted, activity=activity).prefetch_related(
            "brackets", "columns"
        )
    }
    source = grids.get(group.pk if group else None) or grids.get(None)
    return tariff_setup.spec_of(source) if source else tariff_setup.GridSpec(brackets=[], cells={})


def _edit_grid(request, activity, group=None):
    units = list(activity.units.all())
    notice = None
    if request.method == "POST":
        rules = GridRulesForm(request.POST, units=units)
        shape = rules.shape()
        # The amounts were typed in the table drawn with the rules sent back in « forme »: read them
        # that way, then redraw the table if the rules changed (keeping every amount that still fits).
        drawn = GridShape.parse(request.POST.get("forme")) or shape
        form = TariffGridForm(request.POST, units=units, shape=drawn)
        if _adds_row(request):
            form = form.reshaped(shape, extra=1)
        elif drawn != shape or request.POST.get("action") == "regles":
            form = form.reshaped(shape)
            notice = (
                "Le tableau des prix suit maintenant ces règles : complétez-le puis enregistrez la grille."
            )
        elif units and rules.is_valid() and form.is_valid():
            spec = tariff_setup.GridSpec(brackets=form.brackets(), cells=form.cells(), **rules.rules())
            try:
                tariff_setup.save_grid(activity=activity, group=group, spec=spec)
            except tariff_setup.GridInvalid as error:
                form.add_row_errors(error.errors)
            else:
                whose = f"du groupe « {group.name} »" if group else "générale"
                messages.success(request, f"Grille tarifaire {whose} enregistrée.")
                return redirect("activities:tariffs", activity_id=activity.pk)
    else:
        spec = _saved_spec(activity, group)
        rules = GridRulesForm(units=units, initial=GridRulesForm.initial_of(spec))
        form = TariffGridForm(
            units=units, shape=rules.shape(), initial_rows=TariffGridForm.initial_rows(spec)
        )
    return render(
        request,
        "activities/tariff_form.html",
        {
            "activity": activity,
            "group": group,
            "units": units,
            "rules": rules,
            "form": form,
            "notice": notice,
            "summary": error_summary(rules, form),
        },
    )


@login_required
def tariff_edit(request, activity_id):
    return _edit_grid(request, _activity(request, activity_id))


@login_required
def tariff_group_edit(request, group_id):
    group = _group(request, group_id)
    return _edit_grid(request, group.activity, group)


@login_required
def tariff_group_delete(request, group_id):
    group = _group(request, group_id)
    return _confirm_delete(
        request,
        delete=lambda: services.delete_group_tariff_grid(group),
        activity=group.activity,
        title=f"Supprimer la grille propre au groupe « {group.name} »",
        explanation="Le groupe suivra la grille générale de l'activité.",
        done=f"Le groupe « {group.name} » suit maintenant la grille générale.",
        back="tariffs",
    )


# --- aids, fixed fees, commune lists ---------------------------------------------------------------


def _aid(request, aid_id):
    # Aids have no centre of their own: they are reached through their activity's.
    aids = TariffAid.objects.filter(activity__centre_id__in=centres_with(request.user, CONFIGURE))
    return get_object_or_404(aids.select_related("activity"), pk=aid_id)


def _edit_aid(request, aid, activity):
    units = list(activity.units.all())
    amounts = {a.unit_id: a.value for a in aid.amounts.all()} if aid.pk else {}
    form = TariffAidForm(posted(request), instance=aid, units=units, amounts=amounts)
    if request.method == "POST" and form.is_valid():
        services.save_tariff_aid(form.save(commit=False), form.amounts())
        messages.success(request, f"Aide « {aid.name} » enregistrée : elle est déduite du tarif.")
        return redirect("activities:tariffs", activity_id=activity.pk)
    return _object_form(
        request,
        form=form,
        title=f"Aide « {aid.name} »" if aid.pk else "Ajouter une aide déduite",
        activity=activity,
        submit="Enregistrer l'aide",
        intro=(
            "Une aide est déduite du prix de chaque unité réservée par les familles qui y ont droit : "
            "un montant en euros ou un pourcentage du prix de l'unité. Le montant ne descend jamais "
            "sous zéro."
        ),
        back="tariffs",
    )


@login_required
def tariff_aid_create(request, activity_id):
    activity = _activity(request, activity_id)
    return _edit_aid(request, TariffAid(activity=activity), activity)


@login_required
def tariff_aid_edit(request, aid_id):
    aid = _aid(request, aid_id)
    return _edit_aid(request, aid, aid.activity)


@login_required
def tariff_aid_delete(request, aid_id):
    aid = _aid(request, aid_id)
    return _confirm_delete(
        request,
        delete=lambda: services.delete_tariff_aid(aid),
        activity=aid.activity,
        title=f"Supprimer l'aide « {aid.name} »",
        explanation="Elle ne sera plus déduite des prochains montants calculés.",
        done=f"Aide « {aid.name} » supprimée.",
        back="tariffs",
    )


@login_required
def tariff_fees(request, activity_id):
    activity = _activity(request, activity_id)
    form = TariffFeesForm(posted(request), fees=TariffFee.objects.filter(activity=activity))
    if request.method == "POST" and form.is_valid():
        services.save_tariff_fees(activity, form.fees())
        messages.success(request, "Frais fixes enregistrés.")
        return redirect("activities:tariffs", activity_id=activity.pk)
    return _object_form(
        request,
        form=form,
        title=f"Frais fixes — {activity.name}",
        activity=activity,
        submit="Enregistrer les frais",
        intro=(
            "Les frais de dossier s'ajoutent une fois par saison (par enfant ou par foyer) au montant de la "
            "première inscription ; la pénalité d'absence sert à la facturation d'une absence non prévenue."
        ),
        back="tariffs",
    )


def _commune_list(request, list_id):
    return get_object_or_404(CommuneList.objects.visible_to(request.user, CONFIGURE), pk=list_id)


@login_required
def commune_lists(request):
    centre = require_capability(request, CONFIGURE)
    return render(
        request,
        "activities/commune_lists.html",
        {"lists": CommuneList.objects.filter(centre=centre).prefetch_related("activities")},
    )


def _edit_commune_list(request, commune_list):
    form = CommuneListForm(posted(request), instance=commune_list)
    if request.method == "POST" and form.is_valid():
        services.save_commune_list(form.save(commit=False))
        messages.success(request, f"Liste « {commune_list.name} » enregistrée.")
        return redirect("activities:commune_lists")
    return render(
        request,
        "activities/commune_list_form.html",
        {"form": form, "commune_list": commune_list, "summary": error_summary(form)},
    )


@login_required
def commune_list_create(request):
    centre = require_capability(request, CONFIGURE)
    return _edit_commune_list(request, CommuneList(centre=centre))


@login_required
def commune_list_edit(request, list_id):
    return _edit_commune_list(request, _commune_list(request, list_id))


@login_required
def commune_list_delete(request, list_id):
    commune_list = _commune_list(request, list_id)
    if request.method == "POST":
        services.delete_commune_list(commune_list)
        messages.success(request, f"Liste « {commune_list.name} » supprimée.")
        return redirect("activities:commune_lists")
    return render(request, "activities/commune_list_delete.html", {"commune_list": commune_list})

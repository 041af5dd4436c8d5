"""The desk registration screen and the cancellation of a registration: thin views over desk.services."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from csc.core.money import euros
from csc.core.tenancy import centres_with, require_capability
from csc.people.forms import CancelReasonForm
from csc.people.models import Household

from ..capabilities import ACTIVITIES_REGISTER
from ..models import Registration
from . import services
from .forms import BookingForm, ChooseForm


def _household(request, household_id) -> Household:
    """A household of a centre where the user registers children; another centre's is a 404."""
    require_capability(request, ACTIVITIES_REGISTER)
    return get_object_or_404(
        Household.objects.filter(
            centre_id__in=centres_with(request.user, ACTIVITIES_REGISTER)
        ).select_related("centre"),
        pk=household_id,
    )


@login_required
def register(request, household_id):
    """Choose the child and the period (GET), then the group and the days: « Calculer » shows the fee
    explained line by line, « Inscrire » registers (POST). Each step is a plain form."""
    household = _household(request, household_id)
    children = services.children_of(household)
    periods = list(services.open_periods(household.centre_id, timezone.localdate()))
    data = request.POST if request.method == "POST" else (request.GET if "enfant" in request.GET else None)
    choose = ChooseForm(data, children=children, periods=periods)
    context = {"household": household, "choose": choose, "children": children, "periods": periods}
    if not choose.is_valid():
        return render(request, "activities/desk/register.html", context, status=400 if choose.errors else 200)
    child = next(c for c in children if c.pk == choose.cleaned_data["enfant"])
    period = next(p for p in periods if p.pk == choose.cleaned_data["periode"])
    grid = services.grid_for(period, child)
    if request.method == "POST":
        form = BookingForm(request.POST, grid=grid)
    else:
        form = BookingForm(
            initial={"groupe": grid.proposed_group.pk if grid.proposed_group else None}, grid=grid
        )
    context.update({"child": child, "period": period, "grid": grid, "form": form})
    status = 200
    if request.method == "POST" and form.is_valid():
        choice = {
            "period": period,
            "child": child,
            "household": household,
            "group_id": form.cleaned_data["groupe"],
            "bookings": form.cleaned_data["reservations"],
        }
        try:
            if request.POST.get("action") == "inscrire":
                registration = services.register(**choice, by=request.user)
                messages.success(
                    request,
                    f"{child.first_name} est inscrit(e) à {period.name} : "
                    f"{euros(registration.amount)} à régler.",
                )
                return redirect("people:household_detail", household_id=household.pk)
            context["estimate"] = services.preview(**choice)
        except services.DeskRefused as refused:
            form.add_error(None, str(refused))
            status = 400
    elif request.method == "POST":
        status = 400
    context["selected_group"] = (
        form["groupe"].value() if form.is_bound else context["form"].initial.get("groupe")
    )
    context["rows"] = _rows(grid, form, context["selected_group"])
    return render(request, "activities/desk/register.html", context, status=status)


def _rows(grid: services.Grid, form: BookingForm, group_id) -> list[dict]:
    """The table's rows: a day, its free places in the chosen group, a box per unit (checked as sent)."""
    try:
        group_id = int(group_id)
    except (TypeError, ValueError):
        group_id = None
    checked = set(form["reservations"].value() or []) if form.is_bound else set()
    return [
        {
            "day": day,
            "free": free,
            "boxes": [
                {
                    "value": f"{day.pk}-{unit.pk}",
                    "unit": unit,
                    "checked": f"{day.pk}-{unit.pk}" in checked,
                    "offered": grid.offered(unit, group_id),
                }
                for unit in grid.units
            ],
        }
        for day, free in grid.free_in(group_id)
    ]


@login_required
def cancel(request, registration_id):
    """Cancel a registration with a reason: its places go back (and to the waiting list)."""
    require_capability(request, ACTIVITIES_REGISTER)
    registration = get_object_or_404(
        Registration.objects.filter(
            centre_id__in=centres_with(request.user, ACTIVITIES_REGISTER), status=Registration.Status.ACTIVE
        ).select_related("child", "period__activity", "group", "household"),
        pk=registration_id,
    )
    form = CancelReasonForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.cancel(registration=registration, by=request.user, reason=form.cleaned_data["reason"])
        except services.DeskRefused as refused:
            form.add_error("reason", str(refused))
        else:
            messages.success(request, f"Inscription de {registration.child.first_name} annulée.")
            return redirect("people:household_detail", household_id=registration.household_id)
    return render(
        request,
        "activities/desk/cancel.html",
        {"registration": registration, "form": form},
        status=400 if form.errors else 200,
    )

"""« Inscriptions » of an activity: who is registered to a period, in which group, for which days and
what they owe, with filters, sorts and pages (the list Noethys users work from).

Guarded by ACTIVITIES_VIEW (reception, animators, directors): another centre's activity, or a role
without it, gets a 404. Filters that do not fit are told in French and replaced by their default.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.db.models import Count, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as date_format

from csc.core.forms import error_summary
from csc.core.money import euros
from csc.core.pagination import CountSparingPaginator
from csc.core.tenancy import has_capability, require_capability
from csc.people.capabilities import PEOPLE_VIEW
from csc.people.models import age_on

from ..capabilities import ACTIVITIES_CONFIGURE, ACTIVITIES_VIEW
from ..models import Activity, Registration
from . import queries
from .forms import DEFAULT_PAGE_SIZE, SORT_LABELS, RegistrationFilterForm

INDEX_PAGE_SIZE = 25
COUNT_DAYS = "jours"


@login_required
def registration_index(request):
    """The way in for those who do not configure activities (reception, animators): the current
    centre's activities that have periods, each opening its list."""
    centre = require_capability(request, ACTIVITIES_VIEW)
    activities = (
        Activity.objects.visible_to(request.user, ACTIVITIES_VIEW)
        .filter(centre=centre)
        .annotate(period_count=Count("periods"), registration_count=_active_registrations())
        .filter(period_count__gt=0)
        .order_by("name", "id")
    )
    page = CountSparingPaginator(activities, INDEX_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "activities/lists/index.html", {"centre": centre, "page": page})


def _active_registrations():
    active = (
        Registration.objects.filter(period__activity=OuterRef("pk"), status=Registration.Status.ACTIVE)
        .order_by()
        .values("period__activity")
        .annotate(count=Count("id"))
        .values("count")
    )
    return Coalesce(Subquery(active, output_field=IntegerField()), Value(0))


@login_required
def registrations(request, activity_id):
    activity = get_object_or_404(Activity.objects.visible_to(request.user, ACTIVITIES_VIEW), pk=activity_id)
    periods = queries.periods_with_days(activity)
    groups = list(activity.groups.all())
    form = RegistrationFilterForm(request.GET, periods=periods, groups=groups)
    form.is_valid()
    by_id = {period.pk: period for period in periods}
    period = by_id.get(form.value("periode", None)) or queries.default_period(periods, timezone.localdate())
    context = {
        "activity": activity,
        "form": form,
        "summary": error_summary(form),
        "period": period,
        "can_configure": has_capability(request.user, ACTIVITIES_CONFIGURE, activity.centre_id),
    }
    if period is None:
        return render(request, "activities/lists/registrations.html", context)

    group_id = form.value("groupe", None)
    status = form.value("statut", queries.ACTIVE)
    text = form.value("q", "")
    sort = form.value("tri", queries.DEFAULT_SORT)
    per_page = form.value("par", DEFAULT_PAGE_SIZE)
    chosen = queries.filtered(period, group_id=group_id, status=status, text=text)
    count_days = request.GET.get(COUNT_DAYS) == "1"
    if count_days and request.htmx:
        # The total line's days, asked for by the page once shown (see queries.totals).
        days = queries.total_days(chosen)
        return render(request, "activities/lists/_total_days.html", {"days": days})
    page = CountSparingPaginator(queries.rows(chosen, sort), per_page).get_page(request.GET.get("page"))
    units = list(activity.units.all())
    short = period.day_count <= queries.SHORT_PERIOD_DAYS
    booked = queries.booked_of(page.object_list, units, with_dates=short)
    # Ages as the groups count them: on the activity's reference date, else the period's first day.
    age_day = activity.age_reference_date or period.first_day or timezone.localdate()
    filters = {"periode": period.pk, "groupe": group_id or "", "statut": status, "q": text, "par": per_page}
    context.update(
        {
            "rows": _rows(
                page.object_list,
                booked,
                age_day,
                links=has_capability(request.user, PEOPLE_VIEW, activity.centre_id),
            ),
            "page": page,
            "totals": queries.totals(chosen, with_days=count_days),
            "count_days_param": COUNT_DAYS,
            "short": short,
            "age_day": age_day,
            "filtered": bool(group_id or text or status != queries.ACTIVE),
            "columns": _sortable_columns(filters, sort),
            "querystring": urlencode({**filters, "tri": sort}),
        }
    )
    return render(request, "activities/lists/registrations.html", context)


@dataclass
class Row:
    """One line of the list, formatted once here: a page of 100 lines renders in a few milliseconds
    (the template's lookups and `{% url %}` tags were most of the page's time)."""

    registration_id: int
    child: str
    child_url: str
    age: str
    group: str
    household: str
    household_url: str
    booked: str
    dates: str
    amount: str
    status: str
    registered_on: str


# Reversed once per page, then filled with each id: `reverse()` for every row of 100 costs ~10 ms.
_ID = 2_147_483_647


def _url_maker(name: str):
    pattern = reverse(name, args=[_ID])
    return lambda pk: pattern.replace(str(_ID), str(pk))


def _rows(registrations, booked, age_day, *, links: bool) -> list[Row]:
    person_url = _url_maker("people:person_detail") if links else (lambda pk: "")
    household_url = _url_maker("people:household_detail") if links else (lambda pk: "")
    rows = []
    statuses = dict(Registration.Status.choices)
    for registration in registrations:
        entry = booked[registration["id"]]
        age = age_on(registration["child__birth_date"], age_day)
        rows.append(
            Row(
                registration_id=registration["id"],
                child=f"{registration['child__last_name']} {registration['child__first_name']}",
                child_url=person_url(registration["child_id"]),
                age="—" if age is None else f"{age} an{'s' if age > 1 else ''}",
                group=registration["group__name"],
                household=registration["household__name"],
                household_url=household_url(registration["household_id"]),
                booked=entry.summary,
                dates=", ".join(date_format(day, "D d/m") for day in entry.dates),
                amount=euros(registration["amount"]),
                status=str(statuses.get(registration["status"], registration["status"])),
                registered_on=date_format(timezone.localtime(registration["created_at"]), "d/m/Y"),
            )
        )
    return rows


def _sortable_columns(filters: dict, sort: str) -> dict[str, dict]:
    """Each sortable column's link (the other direction when it is the current sort) and aria-sort."""
    columns = {}
    for name, label in SORT_LABELS.items():
        current = sort.removeprefix("-") == name
        descending = sort.startswith("-")
        target = f"-{name}" if current and not descending else name
        columns[name] = {
            "label": label,
            "url": "?" + urlencode({**filters, "tri": target}),
            "aria_sort": ("descending" if descending else "ascending") if current else "",
        }
    return columns

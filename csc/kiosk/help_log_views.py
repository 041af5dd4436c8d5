"""The reception's log of assisted procedures: one short form, today's entries below it, a way to take
one back. Anonymous unless the person agreed to have the help in their file; the link to a person is
offered only to staff who may read people's files."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from csc.core.forms import posted
from csc.core.tenancy import has_capability, require_capability
from csc.people.capabilities import PEOPLE_VIEW
from csc.people.models import Person
from csc.people.queries import search_people

from . import services
from .capabilities import KIOSK_CONFIGURE, KIOSK_FIGURES, KIOSK_HELP_LOG
from .forms import AssistedProcedureForm
from .models import AssistedProcedure

HELP_LOG = KIOSK_HELP_LOG
TODAY_SHOWN = 50
PEOPLE_SHOWN = 10


def _person(request, centre, may_link: bool) -> Person | None:
    """The person chosen for the link, from the query string or the form; another centre's person,
    or one the user may not read, is simply not found."""
    value = request.POST.get("personne") if request.method == "POST" else request.GET.get("personne")
    if not may_link or not (value or "").isdecimal():
        return None
    return Person.objects.active().filter(centre=centre, pk=int(value)).first()


@login_required
def help_log(request):
    centre = require_capability(request, HELP_LOG)
    may_link = has_capability(request.user, PEOPLE_VIEW, centre)
    person = _person(request, centre, may_link)
    form = AssistedProcedureForm(posted(request))
    consent_error = ""
    if request.method == "POST" and form.is_valid():
        consent = request.POST.get("accord") == "1"
        try:
            services.record_assisted(
                centre, user=request.user, person=person, consent=consent, **form.cleaned_data
            )
        except services.KioskRefused as refused:
            consent_error = str(refused)
        else:
            messages.success(request, "Aide notée. Merci !")
            return redirect("kiosk:help_log")
    words = (request.GET.get("nom") or "").strip()[:100]
    found = []
    if may_link and words and person is None:
        found = list(search_people(Person.objects.active().filter(centre=centre), words)[:PEOPLE_SHOWN])
    today = timezone.localdate()
    context = {
        "centre": centre,
        "form": form,
        "person": person,
        "may_link": may_link,
        "consent_error": consent_error,
        "words": words,
        "found": found,
        "today": today,
        "records": AssistedProcedure.objects.filter(centre=centre, day=today).select_related("person")[
            :TODAY_SHOWN
        ],
        "cancellable": set(_cancellable(request.user, centre).values_list("pk", flat=True)),
        "may_report": has_capability(request.user, KIOSK_FIGURES, centre),
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "kiosk/help_log.html", context, status=status)


def _cancellable(user, centre):
    """Today's entries one may take back: one's own, or all of them for the kiosk's referent and the
    managers."""
    records = AssistedProcedure.objects.filter(centre=centre, day=timezone.localdate())
    if has_capability(user, KIOSK_CONFIGURE, centre):
        return records
    return records.filter(recorded_by=user)


@login_required
@require_POST
def cancel(request, record_id):
    centre = require_capability(request, HELP_LOG)
    record = get_object_or_404(_cancellable(request.user, centre), pk=record_id)
    services.cancel_assisted(record, centre=centre)
    messages.success(request, "Aide retirée du cahier.")
    return redirect(reverse("kiosk:help_log"))

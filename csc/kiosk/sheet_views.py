"""The help sheets of the kiosk, for the staff: the centre's own and those the network shares; write,
edit, adapt a copy. Another network's sheets are never seen; another centre's sheet is read, not
changed."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from csc.core.forms import posted
from csc.core.tenancy import require_capability

from . import services
from .capabilities import KIOSK_CONFIGURE
from .forms import HelpSheetForm
from .models import HelpSheet
from .public_views import sheet_context

CONFIGURE = KIOSK_CONFIGURE
PAGE_SIZE = 30


def _readable(centre):
    """The centre's own sheets and those the rest of its network shares."""
    return (
        services.sheets_for_federation(centre.territory.federation_id)
        .filter(Q(centre=centre) | Q(is_shared=True))
        .select_related("procedure", "centre")
    )


@login_required
def sheet_list(request):
    centre = require_capability(request, CONFIGURE)
    sheets = _readable(centre).order_by("procedure__title", "-updated_at", "id")
    page = Paginator(sheets, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "kiosk/sheet_list.html", {"centre": centre, "page": page})


@login_required
def sheet_detail(request, help_sheet_id):
    centre = require_capability(request, CONFIGURE)
    sheet = get_object_or_404(_readable(centre), pk=help_sheet_id)
    context = sheet_context(sheet) | {"centre": centre, "is_own": sheet.centre_id == centre.pk}
    return render(request, "kiosk/sheet_detail.html", context)


def _edit(request, centre, sheet: HelpSheet):
    form = HelpSheetForm(posted(request), instance=sheet)
    if request.method == "POST" and form.is_valid():
        created = sheet.pk is None
        sheet = services.save_sheet(form.save(commit=False), centre=centre, user=request.user)
        messages.success(request, "Fiche créée." if created else "Fiche enregistrée.")
        return redirect("kiosk:sheet_detail", help_sheet_id=sheet.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "kiosk/sheet_form.html", {"form": form, "sheet": sheet}, status=status)


@login_required
def sheet_create(request):
    centre = require_capability(request, CONFIGURE)
    return _edit(request, centre, HelpSheet(centre=centre))


@login_required
def sheet_edit(request, help_sheet_id):
    centre = require_capability(request, CONFIGURE)
    return _edit(request, centre, get_object_or_404(HelpSheet, pk=help_sheet_id, centre=centre))


@login_required
@require_POST
def sheet_copy(request, help_sheet_id):
    centre = require_capability(request, CONFIGURE)
    original = get_object_or_404(_readable(centre), pk=help_sheet_id)
    copy = services.copy_sheet(original, centre=centre, user=request.user)
    messages.success(request, "Voici votre copie : adaptez-la, la borne de votre centre l'affichera.")
    return redirect("kiosk:sheet_edit", help_sheet_id=copy.pk)

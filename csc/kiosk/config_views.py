"""The referent's page of the centre's kiosk, « Ma borne »: which procedures, in which order, the local
links, the welcome text, the idle time, the reception's hours, and a preview. Every change is journaled
(the models are `@audited`) and raises the kiosk's version, which the home page's cache follows."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from csc.core.forms import posted
from csc.core.tenancy import require_capability
from csc.directory import services as directory
from csc.directory.forms import HoursForm
from csc.directory.models import Structure

from . import queries, services
from .capabilities import KIOSK_CONFIGURE
from .forms import AddProceduresForm, KioskSettingsForm, LocalLinkForm
from .models import Tile

CONFIGURE = KIOSK_CONFIGURE


def _page(request, centre, *, status=200, **forms):
    kiosk = services.kiosk_for(centre)
    entry = Structure.objects.filter(centre=centre).first()
    tiles = list(
        Tile.objects.filter(centre=centre)
        .select_related("procedure", "theme")
        .order_by("theme__position", "position", "id")
    )
    shown = [t for t in tiles if not t.is_hidden]
    available = queries.catalogue_not_on(centre.pk)
    context = {
        "centre": centre,
        "kiosk": kiosk,
        "sections": queries.sections(shown),
        "hidden": [t for t in tiles if t.is_hidden],
        "settings_form": forms.get("settings_form")
        or KioskSettingsForm(
            initial={"welcome_text": kiosk.welcome_text, "idle_minutes": kiosk.idle_minutes}
        ),
        "hours_form": forms.get("hours_form") or HoursForm(structure=entry or Structure(hours=[])),
        "add_form": forms.get("add_form") or AddProceduresForm(available=available),
        "available": available,
    }
    return render(request, "kiosk/settings.html", context, status=status)


@login_required
def settings_page(request):
    centre = require_capability(request, CONFIGURE)
    return _page(request, centre)


@login_required
@require_POST
def save_settings(request):
    centre = require_capability(request, CONFIGURE)
    form = KioskSettingsForm(request.POST)
    if not form.is_valid():
        return _page(request, centre, status=400, settings_form=form)
    services.save_settings(services.kiosk_for(centre), user=request.user, **form.cleaned_data)
    messages.success(request, "Réglages de la borne enregistrés.")
    return redirect("kiosk:settings")


@login_required
@require_POST
def save_hours(request):
    centre = require_capability(request, CONFIGURE)
    entry = Structure.objects.filter(centre=centre).first() or Structure(hours=[])
    form = HoursForm(request.POST, structure=entry)
    if form.is_valid():
        try:
            services.save_hours(centre, form.week(), user=request.user)
        except directory.DirectoryRefused as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(
                request, "Horaires de l'accueil enregistrés : la borne et l'annuaire les affichent."
            )
            return redirect("kiosk:settings")
    return _page(request, centre, status=400, hours_form=form)


@login_required
@require_POST
def add_procedures(request):
    centre = require_capability(request, CONFIGURE)
    form = AddProceduresForm(request.POST, available=queries.catalogue_not_on(centre.pk))
    if not form.is_valid():
        return _page(request, centre, status=400, add_form=form)
    added = services.add_procedures(centre, list(form.cleaned_data["procedures"]))
    messages.success(
        request, f"{added} démarche{'s' if added > 1 else ''} ajoutée{'s' if added > 1 else ''}."
    )
    return redirect("kiosk:settings")


def _local_link(request, centre, tile: Tile):
    initial = {}
    if tile.pk:
        initial = {"title": tile.title, "url": tile.url, "theme": tile.theme_id, "keywords": tile.keywords}
    form = LocalLinkForm(posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_local_link(tile, centre=centre, **form.cleaned_data)
        except services.KioskRefused as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, f"Le lien « {tile.title} » est sur la borne.")
            return redirect("kiosk:settings")
    status = 400 if request.method == "POST" else 200
    return render(request, "kiosk/local_link.html", {"form": form, "tile": tile}, status=status)


@login_required
def local_link_create(request):
    centre = require_capability(request, CONFIGURE)
    return _local_link(request, centre, Tile())


@login_required
def local_link_edit(request, tile_id):
    centre = require_capability(request, CONFIGURE)
    tile = get_object_or_404(Tile, pk=tile_id, centre=centre, procedure__isnull=True)
    return _local_link(request, centre, tile)


@login_required
@require_POST
def tile_action(request, tile_id, action):
    centre = require_capability(request, CONFIGURE)
    tile = get_object_or_404(Tile.objects.select_related("procedure"), pk=tile_id, centre=centre)
    if action in ("monter", "descendre"):
        services.move_tile(tile, up=action == "monter")
    elif action == "masquer":
        services.set_hidden(tile, hidden=True)
        messages.success(request, f"« {tile.label} » n'est plus affichée sur la borne.")
    elif action == "afficher":
        services.set_hidden(tile, hidden=False)
        messages.success(request, f"« {tile.label} » est de nouveau sur la borne.")
    else:
        messages.error(request, "Cette action n'existe pas.")
    return redirect(f"{reverse('kiosk:settings')}#tuile-{tile.pk}")

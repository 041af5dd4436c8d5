"""The kiosk residents use, at /borne/<centre>/: no login, no cookie, no personal data.

No page here uses the session, the CSRF cookie or the messages framework: the forms post nothing that
a forged request could abuse (an anonymous survey answer, a count), so they are exempt from CSRF rather
than leaving a cookie on a shared computer. The home page is rendered once a minute per kiosk version
and served from the cache: it is the page every visit starts from.
"""

from __future__ import annotations

import functools
import gzip
import hashlib
import time
from dataclasses import dataclass

from django.core.cache import cache
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from csc.core import honeypot, origins, outage, ratelimit
from csc.core.middleware import client_ip
from csc.core.models import Centre
from csc.core.text import render_markdown
from csc.directory import services as directory
from csc.directory.models import Structure

from . import queries, services
from .forms import SurveyForm
from .models import Kiosk, Tile

MAX_SEARCH = 100
MAX_EVENT_BYTES = 8 * 1024
HOME_CACHE_SECONDS = 3600
# The home page holds nothing about anyone: the kiosk's browser may keep it a minute, so that the return
# to it after each visit costs no request (everything else the platform answers is no-store,
# csc/core/headers.py).
HOME_BROWSER_SECONDS = 60
STATE_SECONDS = 5
# How long a kiosk's home page may be served from its last known state while the database is away.
LAST_KNOWN_STATE_SECONDS = 24 * 3600
EVENT_KEY_SECONDS = 300


class UnknownKiosk(Http404):
    pass


@dataclass(frozen=True)
class KioskState:
    """What every request of a kiosk needs before anything else, kept a few seconds per process."""

    centre_id: int
    version: int
    hours: list


def _state(slug: str) -> KioskState | None:
    """The kiosk's id, version and reception hours: one query every STATE_SECONDS per process, since
    the home page and the events endpoint are the busiest URLs of the platform. A change made from
    « Ma borne » clears it at once (services.touch); one made in the directory shows within seconds."""
    key = services.state_key(slug)
    state = cache.get(key)
    if state is not None:
        return state
    rows = Kiosk.objects.filter(centre__slug=slug).values_list(
        "centre_id", "version", "centre__directory_entry__hours"
    )
    try:
        row = rows.first()
    except Exception as error:
        # The database away (a restart): the kiosk keeps showing its home page from the cache, with the
        # state it last had, instead of a 503 for the resident in front of it (csc/core/outage.py).
        last_known = cache.get(f"{key}:last")
        if last_known is None or not outage.is_outage(error):
            raise
        return last_known
    if row is None:
        centre = Centre.objects.filter(slug=slug).first()
        if centre is None:
            return None
        services.kiosk_for(centre)  # the first visit of a centre's kiosk opens it
        row = rows.first()
    state = KioskState(row[0], row[1], row[2] if isinstance(row[2], list) else [])
    cache.set(key, state, STATE_SECONDS)
    cache.set(f"{key}:last", state, LAST_KNOWN_STATE_SECONDS)
    return state


def _centre(slug: str) -> Centre:
    centre = Centre.objects.select_related("territory").filter(slug=slug).first()
    if centre is None:
        raise UnknownKiosk(slug)
    return centre


def unknown_kiosk(request, slug: str) -> HttpResponse:
    return render(request, "kiosk/public/unknown.html", {"slug": slug}, status=404)


def kiosk_page(view):
    """Turns an unknown centre into the kiosk's own friendly 404, with a way back to the list."""

    # functools.wraps also carries `csrf_exempt` over: without it the survey's POST would get a 403.
    @functools.wraps(view)
    def wrapped(request, slug, *args, **kwargs):
        try:
            return view(request, slug, *args, **kwargs)
        except UnknownKiosk:
            return unknown_kiosk(request, slug)

    return wrapped


def _page_context(centre: Centre, kiosk: Kiosk, *, preview: bool, fresh_home: bool = False) -> dict:
    return {
        "centre": centre,
        "kiosk": kiosk,
        "preview": preview,
        "fresh_home": fresh_home,
        "idle_seconds": kiosk.idle_minutes * 60,
        "home_url": reverse("kiosk:home", args=[centre.slug]),
        "events_url": reverse("kiosk:events", args=[centre.slug]),
    }


def _reception(centre: Centre, moment) -> dict:
    entry = Structure.objects.filter(centre=centre).first()
    return {"entry": entry, **reception_today(entry.hours if entry else [], moment)}


def reception_today(hours: list, moment) -> dict[str, str]:
    """« Ouvert maintenant, jusqu'à 12 h » and today's hours, from the centre's directory hours."""
    opening = Structure(hours=hours)
    if not directory.has_hours(opening):
        return {"today": "", "hours": ""}
    return {
        "today": directory.today_label(opening, moment),
        "hours": directory.day_hours_label(directory.intervals_on(opening, moment.weekday())),
    }


def _home_html(request, slug: str, preview: bool, fresh: bool, reception: dict) -> str:
    centre = _centre(slug)
    kiosk = services.kiosk_for(centre)
    tiles = queries.visible_tiles(centre.pk)
    context = _page_context(centre, kiosk, preview=preview, fresh_home=fresh) | {
        "sections": queries.sections(tiles),
        "reception": reception,
        "with_sheet": queries.procedures_with_sheet(centre),
    }
    return render_to_string("kiosk/public/home.html", context, request=request)


@kiosk_page
@require_GET
def home(request, slug):
    preview = request.GET.get("apercu") == "1"
    fresh = request.GET.get("suite") != "1"
    state = _state(slug)
    if state is None:
        raise UnknownKiosk(slug)
    moment = timezone.localtime()
    reception = reception_today(state.hours, moment)
    # The page changes with the kiosk's version and with the reception's « open now » line, a few
    # times a day: it is rendered again then, not at every visit.
    key = (
        f"kiosk-home:{state.centre_id}:{state.version}:{moment:%Y%m%d}:{int(preview)}{int(fresh)}:"
        + hashlib.blake2b(f"{reception}".encode(), digest_size=8).hexdigest()
    )
    page = cache.get(key)
    if page is None:
        html = _home_html(request, slug, preview, fresh, reception).encode()
        page = (html, gzip.compress(html, compresslevel=6))
        cache.set(key, page, HOME_CACHE_SECONDS)
    if "gzip" in request.headers.get("Accept-Encoding", ""):
        response = HttpResponse(page[1])
        response["Content-Encoding"] = "gzip"
    else:
        response = HttpResponse(page[0])
    patch_vary_headers(response, ["Accept-Encoding"])
    if not preview:  # staff previewing a change they just made must see it at once
        patch_cache_control(response, public=True, max_age=HOME_BROWSER_SECONDS)
    return response


@kiosk_page
@require_GET
def search(request, slug):
    centre = _centre(slug)
    kiosk = services.kiosk_for(centre)
    preview = request.GET.get("apercu") == "1"
    words = (request.GET.get("q") or "").strip()[:MAX_SEARCH]
    tiles = queries.visible_tiles(centre.pk)
    found = services.find_tiles(tiles, words) if words else []
    if words and not preview and ratelimit.allowed(services.SEARCH_COUNT_LIMIT, client=client_ip(request)):
        services.record_search(centre.pk, words, len(found))
    response = render(
        request,
        "kiosk/public/search.html",
        _page_context(centre, kiosk, preview=preview)
        | {
            "words": words,
            "found": found,
            "sections": queries.sections(tiles),
            "with_sheet": queries.procedures_with_sheet(centre),
        },
    )
    response["Cache-Control"] = "no-store"
    return response


@kiosk_page
@require_GET
def help_nearby(request, slug):
    centre = _centre(slug)
    kiosk = services.kiosk_for(centre)
    moment = timezone.localtime()
    reception = _reception(centre, moment)
    context = _page_context(centre, kiosk, preview=request.GET.get("apercu") == "1") | {
        "reception": reception,
        "week": directory.week_hours(reception["entry"], moment.date()) if reception["entry"] else [],
        "places": queries.places_nearby(centre, moment),
    }
    return render(request, "kiosk/public/help.html", context)


def _sheet(centre: Centre, procedure_slug: str):
    tile = queries.tile_of_procedure(centre.pk, procedure_slug)
    if tile is None:
        raise Http404
    sheet = services.sheet_shown(centre, tile.procedure)
    if sheet is None:
        raise Http404
    return tile, sheet


def sheet_context(sheet) -> dict:
    return {
        "sheet": sheet,
        "to_bring": render_markdown(sheet.to_bring),
        "identifiers": render_markdown(sheet.identifiers),
        "steps": render_markdown(sheet.steps),
    }


@kiosk_page
@require_GET
def sheet(request, slug, procedure):
    centre = _centre(slug)
    kiosk = services.kiosk_for(centre)
    tile, help_sheet = _sheet(centre, procedure)
    context = (
        _page_context(centre, kiosk, preview=request.GET.get("apercu") == "1")
        | sheet_context(help_sheet)
        | {"tile": tile}
    )
    return render(request, "kiosk/public/sheet.html", context)


@kiosk_page
@require_GET
def sheet_pdf(request, slug, procedure):
    from weasyprint import HTML

    centre = _centre(slug)
    tile, help_sheet = _sheet(centre, procedure)
    html = render_to_string(
        "kiosk/sheet_pdf.html",
        sheet_context(help_sheet) | {"centre": centre, "tile": tile, "printed": timezone.localdate()},
    )
    pdf = HTML(string=html, base_url=request.build_absolute_uri("/")).write_pdf()
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(False, f"fiche-{tile.procedure.slug}.pdf")
    return response


@kiosk_page
@csrf_exempt
@require_http_methods(["GET", "POST"])
def end(request, slug):
    """« Terminer ma session »: the privacy checklist, and the three optional questions."""
    centre = _centre(slug)
    kiosk = services.kiosk_for(centre)
    preview = (request.GET.get("apercu") or request.POST.get("apercu")) == "1"
    form = SurveyForm(request.POST or None)
    context = _page_context(centre, kiosk, preview=preview) | {"form": form, "thanks": False, "refusal": ""}
    if request.method != "POST":
        return render(request, "kiosk/public/end.html", context)
    # Without a CSRF cookie (none is left on a shared computer), the origin tells a page of this site
    # from a form posted from anywhere else, as for the events.
    if not origins.same_origin(request):
        context["refusal"] = _(
            "Vos réponses n'ont pas été enregistrées : elles ne viennent pas de cette borne."
        )
        return render(request, "kiosk/public/end.html", context, status=403)
    if not form.is_valid():
        return render(request, "kiosk/public/end.html", context, status=400)
    if honeypot.tripped(request.POST) or preview:
        context["thanks"] = True  # a bot is thanked and nothing is stored; so is the staff's preview
        return render(request, "kiosk/public/end.html", context)
    try:
        ratelimit.hit(services.SURVEY_LIMIT, client=client_ip(request))
    except ratelimit.Limited as limited:
        context["refusal"] = _(
            "Trop de réponses envoyées depuis cette borne en peu de temps : elles n'ont pas été "
            "enregistrées. Réessayez %(when)s."
        ) % {"when": limited.wait}
        return render(request, "kiosk/public/end.html", context, status=429)
    services.record_survey(centre.pk, **form.answers())
    context["thanks"] = True
    return render(request, "kiosk/public/end.html", context)


# --- Counts sent by the kiosk's script --------------------------------------------------------------


def _kiosk_key(slug: str, *, fresh: bool = False) -> services.KioskKey | None:
    """The kiosk's centre and visible tiles, kept EVENT_KEY_SECONDS per process: the events endpoint
    takes most of the platform's requests and needs nothing else. A change made from « Ma borne »
    clears it at once in the process that made it (services.touch); a click on a tile it does not know
    (added meanwhile in another process) reads it again before being refused (`fresh`, see events). A
    tile just hidden keeps counting for the pages still showing it, a few minutes at most."""
    key = services.event_key_key(slug)
    kiosk_key = None if fresh else cache.get(key)
    if kiosk_key is None:
        state = _state(slug)
        if state is None:
            return None
        visible = Tile.objects.filter(centre_id=state.centre_id, is_hidden=False).values_list("pk", flat=True)
        kiosk_key = services.KioskKey(state.centre_id, frozenset(visible), read_at=time.monotonic())
        cache.set(key, kiosk_key, EVENT_KEY_SECONDS)
    return kiosk_key


def _refused(message: str, status: int = 400) -> JsonResponse:
    return JsonResponse({"erreur": message}, status=status, json_dumps_params={"ensure_ascii": False})


@csrf_exempt
@require_http_methods(["POST"])
def events(request, slug):
    """Visits, clicks and ends of session, as JSON: one event or a list of them. 204 when stored."""
    if len(request.body) > MAX_EVENT_BYTES:
        return _refused("Envoi trop volumineux.", 413)
    if not origins.same_origin(request):
        return _refused("Envoi refusé : il ne vient pas d'une page de cette borne.", 403)
    kiosk_key = _kiosk_key(slug)
    if kiosk_key is None:
        return _refused("Cette borne n'existe pas.", 404)
    try:
        try:
            batch_id, batch = services.parse_batch(request.body, kiosk_key)
        except services.UnknownTile:
            # Perhaps a tile added since this process read the kiosk: read it again, at most once every
            # few seconds, so that forged clicks cannot make every request cost a query.
            if time.monotonic() - kiosk_key.read_at < STATE_SECONDS:
                raise
            kiosk_key = _kiosk_key(slug, fresh=True)
            if kiosk_key is None:
                return _refused("Cette borne n'existe pas.", 404)
            batch_id, batch = services.parse_batch(request.body, kiosk_key)
    except services.EventRefused as refused:
        return _refused(str(refused))
    if not ratelimit.allowed(services.events_limit(), client=client_ip(request), cost=len(batch)):
        return _refused("Trop d'envois : réessayez dans une minute.", 429)
    services.store_batch(kiosk_key.centre_id, batch_id, batch)
    return HttpResponse(status=204)

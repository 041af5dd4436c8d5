"""The rules of the kiosk: a centre's tiles and settings, help sheets, the anonymous counts and the
reception's help log. Each function that changes data is one transaction."""

from __future__ import annotations

import functools
import logging
from dataclasses import dataclass
from datetime import date

import psycopg
from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import F, Max
from django.utils import timezone

from csc.core import jsonbody, ratelimit
from csc.core.audit import record
from csc.core.models import Centre
from csc.directory import services as directory
from csc.directory.models import Structure

from . import text
from .catalogue import starting_tiles
from .models import (
    AssistedProcedure,
    HelpSheet,
    Kiosk,
    KioskEvent,
    Organisation,
    Procedure,
    SurveyAnswer,
    Theme,
    Tile,
)

logger = logging.getLogger(__name__)


class KioskRefused(Exception):
    """A change the kiosk refuses, with the French sentence to show."""


# --- The centre's kiosk -----------------------------------------------------------------------------


def kiosk_for(centre: Centre) -> Kiosk:
    """The centre's kiosk, opened with the catalogue's tiles the first time anyone asks for it.

    Every public page asks for it: the usual case, a kiosk already open, is one read without a
    transaction (a savepoint per search cost two round trips, and on the test server's SQLite connection
    shared between threads a concurrent event could release it: « no such savepoint »)."""
    kiosk = Kiosk.objects.filter(centre=centre).first()
    return kiosk if kiosk is not None else _open_kiosk(centre)


@transaction.atomic
def _open_kiosk(centre: Centre) -> Kiosk:
    kiosk, created = Kiosk.objects.get_or_create(centre=centre)
    if created and not Tile.objects.filter(centre=centre).exists():
        for tile in starting_tiles(centre):
            tile.save()
    return kiosk


def touch(centre_id: int) -> None:
    """Any change of the kiosk or of its tiles: the home page's cached copy is stale. The short-lived
    copy of the kiosk's state goes at once in this process (and in all of them with a shared cache);
    other processes see the new version within seconds."""
    Kiosk.objects.filter(centre_id=centre_id).update(version=F("version") + 1, updated_at=timezone.now())
    slug = Centre.objects.filter(pk=centre_id).values_list("slug", flat=True).first()
    if slug:
        # Now, and again once committed: a request between the two may have cached the old state.
        keys = [state_key(slug), event_key_key(slug)]
        cache.delete_many(keys)
        transaction.on_commit(lambda: cache.delete_many(keys))


def state_key(slug: str) -> str:
    """The cache key of a kiosk's state (public_views._state)."""
    return f"kiosk-state:{slug}"


def event_key_key(slug: str) -> str:
    """The cache key of what the events endpoint knows of a kiosk (public_views._kiosk_key)."""
    return f"kiosk-events:{slug}"


def check_link(url: str) -> str:
    """Only https links: a resident follows them on a shared computer, and `javascript:` or a plain
    http page has no place on it."""
    try:
        url = directory.check_website(url)
    except directory.DirectoryRefused as refused:
        raise KioskRefused(str(refused)) from None
    if not url:
        raise KioskRefused("Indiquez l'adresse du site, qui commence par https://.")
    return url


def _next_position(centre_id: int) -> int:
    return (Tile.objects.filter(centre_id=centre_id).aggregate(last=Max("position"))["last"] or 0) + 1


@transaction.atomic
def add_procedures(centre: Centre, procedures: list[Procedure]) -> int:
    """Add catalogue procedures at the end of the kiosk; one already there is shown again if hidden."""
    position = _next_position(centre.pk)
    added = 0
    existing = {t.procedure_id: t for t in Tile.objects.filter(centre=centre, procedure__in=procedures)}
    for procedure in procedures:
        tile = existing.get(procedure.pk)
        if tile is None:
            Tile.objects.create(centre=centre, procedure=procedure, theme=procedure.theme, position=position)
            position += 1
            added += 1
        elif tile.is_hidden:
            tile.is_hidden = False
            tile.save(update_fields=["is_hidden"])
            added += 1
    touch(centre.pk)
    return added


@transaction.atomic
def save_local_link(tile: Tile, *, centre: Centre, title: str, url: str, theme: Theme, keywords: str) -> Tile:
    """Create or change a local link: a page of the town, of the centre, of a local organisation."""
    if tile.pk is not None and (tile.centre_id != centre.pk or not tile.is_local):
        raise KioskRefused("Seuls les liens locaux de votre borne se modifient ici.")
    title = " ".join((title or "").split())
    if not title:
        raise KioskRefused("Donnez un titre à la tuile.")
    tile.centre = centre
    tile.title = title[:120]
    tile.url = check_link(url)
    tile.theme = theme
    tile.keywords = ", ".join(w.strip() for w in (keywords or "").split(",") if w.strip())[:300]
    if tile.pk is None:
        tile.position = _next_position(centre.pk)
    tile.save()
    touch(centre.pk)
    return tile


@transaction.atomic
def move_tile(tile: Tile, *, up: bool) -> None:
    """Swap a tile with its neighbour in the kiosk's order (the order of the tiles within a theme)."""
    tiles = list(Tile.objects.filter(centre_id=tile.centre_id).select_for_update().order_by("position", "id"))
    # Positions may have gaps or ties (added from two pages at once): number them again first.
    for index, other in enumerate(tiles, start=1):
        other.position = index
    index = next(i for i, other in enumerate(tiles) if other.pk == tile.pk)
    same_theme = [i for i, other in enumerate(tiles) if other.theme_id == tile.theme_id]
    place = same_theme.index(index)
    target = place - 1 if up else place + 1
    if 0 <= target < len(same_theme):
        other = same_theme[target]
        tiles[index].position, tiles[other].position = tiles[other].position, tiles[index].position
    Tile.objects.bulk_update(tiles, ["position"])
    touch(tile.centre_id)


@transaction.atomic
def set_hidden(tile: Tile, *, hidden: bool) -> None:
    tile.is_hidden = hidden
    tile.save(update_fields=["is_hidden"])
    touch(tile.centre_id)


@transaction.atomic
def save_settings(kiosk: Kiosk, *, welcome_text: str, idle_minutes: int, user) -> Kiosk:
    """The welcome text and the idle time before the kiosk goes back to its home page."""
    if not 1 <= idle_minutes <= 60:
        raise KioskRefused("Le retour à l'accueil se règle entre 1 et 60 minutes.")
    kiosk.welcome_text = (welcome_text or "").strip()[:500]
    kiosk.idle_minutes = idle_minutes
    kiosk.updated_by = user
    kiosk.save()
    touch(kiosk.centre_id)
    return kiosk


@transaction.atomic
def save_hours(centre: Centre, week, *, user) -> Structure:
    """The centre's opening hours, kept on its own entry of the directory of structures (created from
    the centre's address the first time)."""
    entry = directory.entry_of_centre(centre, user=user)
    entry.hours = directory.check_week(week)
    entry.updated_by = user
    entry.save(update_fields=["hours", "updated_by", "updated_at"])
    touch(centre.pk)
    return entry


# A word added from the statistics: what the statistics keep of a search, at most.
SYNONYM_MAX = text.SEARCH_KEPT


@transaction.atomic
def add_synonym(tile: Tile, word: str, *, user) -> str:
    """Attach a word residents typed without result to a tile of the centre's kiosk, so that the word
    finds it from now on — on this centre's kiosk only: the word goes to the tile's own words, not to
    the network's catalogue. Cleaned like a search (no number, no e-mail address, lower case). Journaled
    (« kiosk.synonym_added », the word in the detail: it is what the statistics already show)."""
    raw = " ".join((word or "").replace(",", " ").split())
    if len(raw) > SYNONYM_MAX:
        raise KioskRefused(f"Un mot-clé tient en {SYNONYM_MAX} caractères au plus.")
    word = text.clean_search(raw)
    if not text.search_words(word):
        raise KioskRefused("Le mot à ajouter manque.")
    tile = Tile.objects.select_for_update(of=("self",)).select_related("procedure", "theme").get(pk=tile.pk)
    if text.score(text.search_words(word), tile.label, tile.words, tile.theme.label):
        raise KioskRefused(f"« {word} » trouve déjà « {tile.label} » : rien à ajouter.")
    keywords = ", ".join([*(w.strip() for w in tile.keywords.split(",") if w.strip()), word])
    if len(keywords) > Tile._meta.get_field("keywords").max_length:
        raise KioskRefused(f"« {tile.label} » a déjà tous les mots-clés qu'une démarche peut recevoir.")
    tile.keywords = keywords
    tile.save(update_fields=["keywords"])
    touch(tile.centre_id)
    record("kiosk.synonym_added", centre=tile.centre_id, obj=tile, detail=word, actor=user)
    return word


# --- Finding a tile ---------------------------------------------------------------------------------


def find_tiles(tiles: list[Tile], words_typed: str) -> list[Tile]:
    """The visible tiles answering what a resident typed, best first."""
    words = text.search_words(words_typed)
    scored = []
    for tile in tiles:
        points = text.score(words, tile.label, tile.words, tile.theme.label)
        if points:
            scored.append((-points, tile.position, tile.pk, tile))
    scored.sort(key=lambda item: item[:3])
    return [item[3] for item in scored]


def record_search(centre_id: int, words_typed: str, results: int) -> None:
    """Count a search; those that found nothing are what the referent reads to add a link."""
    query = text.clean_search(words_typed)
    if query:
        KioskEvent.objects.create(
            centre_id=centre_id, kind=KioskEvent.Kind.SEARCH, query=query, results=min(results, 999)
        )


# --- Events sent by the kiosk's page ----------------------------------------------------------------

MAX_EVENTS_PER_REQUEST = 50
EVENT_KINDS = {"visite": KioskEvent.Kind.VISIT, "clic": KioskEvent.Kind.CLICK, "fin": KioskEvent.Kind.END}


class EventRefused(Exception):
    """A batch of events refused whole, with the reason (French, for the referent reading the logs)."""


class UnknownTile(EventRefused):
    """A click on a tile that is not among the kiosk's visible tiles (as far as the caller knows)."""


@dataclass(frozen=True)
class KioskKey:
    """What the event endpoint needs of a kiosk: cached per process, read from one query."""

    centre_id: int
    tile_ids: frozenset[int]
    read_at: float = 0.0  # time.monotonic() when read from the database


# A batch the kiosk kept while the server was away (kiosk.js) comes as {"lot": id, "evenements": [...]}:
# the id is remembered this long once the batch is stored, so that the same batch sent again — its answer
# lost when the page left — is not counted twice.
BATCH_ID_CHARS = 40
BATCH_SECONDS = 24 * 3600


def batch_key(centre_id: int, batch_id: str) -> str:
    return f"kiosk:lot:{centre_id}:{batch_id}"


def parse_events(body: bytes, kiosk: KioskKey) -> list[KioskEvent]:
    return parse_batch(body, kiosk)[1]


def parse_batch(body: bytes, kiosk: KioskKey) -> tuple[str, list[KioskEvent]]:
    """A JSON object `{"type": "clic", "tuile": 12}` or a list of them, or a kept batch
    `{"lot": "…", "evenements": [...]}` -> the batch's id ("" for none) and the events to store.
    Anything else, an unknown type, or a tile that is not one of this kiosk's visible tiles refuses the
    whole batch: a page of the kiosk never sends such a thing, so it is forged or broken."""
    try:
        payload = jsonbody.loads(body)
    except jsonbody.BodyRefused as refused:
        raise EventRefused(str(refused)) from None
    batch_id = ""
    if isinstance(payload, dict) and set(payload) == {"lot", "evenements"}:
        batch_id, payload = payload["lot"], payload["evenements"]
        if (
            not isinstance(batch_id, str)
            or not 0 < len(batch_id) <= BATCH_ID_CHARS
            or not (batch_id.isascii() and batch_id.isalnum())
        ):
            raise EventRefused(f"Un lot est désigné par 1 à {BATCH_ID_CHARS} lettres ou chiffres.")
        if not isinstance(payload, list):
            raise EventRefused("Les événements d'un lot forment une liste.")
    items = payload if isinstance(payload, list) else [payload]
    if not items or len(items) > MAX_EVENTS_PER_REQUEST:
        raise EventRefused(f"Entre 1 et {MAX_EVENTS_PER_REQUEST} événements par envoi.")
    now = timezone.now()
    events = []
    for item in items:
        if not isinstance(item, dict) or set(item) - {"type", "tuile"}:
            raise EventRefused("Chaque événement est un objet {type, tuile}.")
        kind = EVENT_KINDS.get(item.get("type")) if isinstance(item.get("type"), str) else None
        if kind is None:
            raise EventRefused("Type d'événement inconnu.")
        tile_id = item.get("tuile")
        if kind == KioskEvent.Kind.CLICK:
            if type(tile_id) is not int or tile_id not in kiosk.tile_ids:
                raise UnknownTile("Cette tuile n'est pas sur cette borne.")
        elif tile_id is not None:
            raise EventRefused("Seul un clic désigne une tuile.")
        events.append(KioskEvent(centre_id=kiosk.centre_id, kind=kind, tile_id=tile_id, at=now))
    return batch_id, events


def store_batch(centre_id: int, batch_id: str, events: list[KioskEvent]) -> None:
    """Store a batch once: a kept batch sent again after it was stored is not counted again. The id is
    written once the events are, so that a batch whose storing failed (the database away) is stored
    when it comes again. A cache server that fails costs at worst a batch counted twice, never one
    lost."""
    key = batch_key(centre_id, batch_id)
    if batch_id and _cache_safely(cache.get, key):
        return
    store_events(events)
    if batch_id:
        _cache_safely(cache.set, key, 1, BATCH_SECONDS)


def _cache_safely(operation, *args):
    try:
        return operation(*args)
    except Exception:  # any failure of the cache server (connection refused, timeout…): see store_batch
        logger.warning("Kiosk batch id not checked: the cache does not answer", exc_info=True)
        return None


# One statement, committed on its own (autocommit), whose commit does not wait for the WAL flush:
# set_config(..., true) lasts until the end of the statement's own transaction, its commit included.
# A crash of the database server may lose the last fraction of a second of counts, never corrupt them;
# every other write of the platform keeps waiting for the disk. One round trip instead of four (BEGIN,
# SET LOCAL, INSERT, COMMIT): the events endpoint is the platform's busiest write.
UNSYNCED_INSERT = """
WITH unsynced AS (SELECT set_config('synchronous_commit', 'off', true))
INSERT INTO kiosk_kioskevent (centre_id, kind, tile_id, query, results, at)
SELECT e.centre_id, e.kind, e.tile_id, '', NULL, e.at
FROM unsynced, (VALUES {rows}) AS e(centre_id, kind, tile_id, at)
"""
UNSYNCED_ROW = "(%s::bigint, %s::smallint, %s::bigint, %s::timestamptz)"


@functools.cache
def _unsynced_insert(rows: int) -> str:
    return UNSYNCED_INSERT.format(rows=", ".join([UNSYNCED_ROW] * rows))


def store_events(events: list[KioskEvent]) -> None:
    """Store the kiosk's anonymous counts (visits, clicks, ends of session) as fast as the database
    allows: see UNSYNCED_INSERT."""
    if connection.vendor != "postgresql":
        KioskEvent.objects.bulk_create(events)
        return
    params = []
    for event in events:
        params += [event.centre_id, event.kind, event.tile_id, event.at]
    # A cursor that binds the values on the server, where Django's own cursors quote them into the
    # text, which PostgreSQL parses and plans again on every request. psycopg prepares such a statement
    # once it has run it five times on a connection (prepare_threshold in settings.py) and Django keeps
    # connections (CONN_MAX_AGE): then the database only binds and runs it. Wrapped like any Django
    # cursor, so that it is counted and logged like one. It skips Django's health check (CONN_HEALTH_CHECKS
    # pings the server with a SELECT 1 before a request's first query): if the database restarted, this
    # insert fails once with a 500 and Django replaces the connection for the next request. (Behind a
    # PgBouncer in transaction mode, set its max_prepared_statements.)
    connection.ensure_connection()
    server_binding = psycopg.Cursor(connection.connection)
    wrap = connection.make_debug_cursor if connection.queries_logged else connection.make_cursor
    with wrap(server_binding) as cursor:
        cursor.execute(_unsynced_insert(len(events)), params)


# --- Rate limits (csc/core/ratelimit.py: counted in the shared cache, the same for every worker) -----


def events_limit() -> ratelimit.Limit:
    """At most CSC_KIOSK_EVENTS_PER_MINUTE events a minute from one client address. A centre's kiosks
    share its public address, so this counts for all of them (a busy kiosk sends a few a minute)."""
    return ratelimit.Limit(
        "kiosk.events", per_client=(ratelimit.Rate(settings.CSC_KIOSK_EVENTS_PER_MINUTE, 60),)
    )


# The end-of-visit survey: one answer per visit, a few kiosks per address; a script posting answers
# in a loop would fill the centre's figures with invented residents.
SURVEY_LIMIT = ratelimit.Limit("kiosk.survey", per_client=(ratelimit.Rate(10, 60), ratelimit.Rate(60, 3600)))

# Searches are answered whatever their number, but only so many a minute are counted: the searches that
# found nothing are what the referent reads to add keywords, and forged ones would drown them.
SEARCH_COUNT_LIMIT = ratelimit.Limit("kiosk.search", per_client=(ratelimit.Rate(60, 60),))


@transaction.atomic
def record_survey(centre_id: int, *, outcome: str, organisation: str, age_band: str) -> SurveyAnswer | None:
    """The optional questions at the end of a visit; nothing is stored when nothing was answered."""
    if not (outcome or organisation or age_band):
        return None
    return SurveyAnswer.objects.create(
        centre_id=centre_id, outcome=outcome, organisation=organisation, age_band=age_band
    )


# --- Help sheets ------------------------------------------------------------------------------------


def sheets_for_federation(federation_id: int):
    """The sheets a centre may read: its federation's shared sheets and its own (filtered by the caller
    on `centre` for the latter)."""
    return HelpSheet.objects.filter(centre__territory__federation_id=federation_id)


def sheet_shown(centre: Centre, procedure: Procedure) -> HelpSheet | None:
    """The sheet a kiosk shows for a procedure: the centre's own, else the newest sheet another centre
    of the network offers."""
    sheets = sheets_for_federation(centre.territory.federation_id).filter(procedure=procedure)
    own = sheets.filter(centre=centre).order_by("-updated_at", "-id").first()
    if own is not None:
        return own
    return sheets.filter(is_shared=True).order_by("-updated_at", "-id").first()


@transaction.atomic
def save_sheet(sheet: HelpSheet, *, centre: Centre, user) -> HelpSheet:
    """Create or change a sheet of one's own centre: another centre's sheet is adapted as a copy."""
    if sheet.pk is not None and sheet.centre_id != centre.pk:
        raise KioskRefused("Cette fiche est celle d'un autre centre : adaptez-en une copie.")
    sheet.centre = centre
    sheet.updated_by = user
    sheet.save()
    return sheet


@transaction.atomic
def copy_sheet(original: HelpSheet, *, centre: Centre, user) -> HelpSheet:
    """The centre's own copy of a shared sheet, to adapt (its address, its opening hours…)."""
    if original.centre_id != centre.pk and not original.is_shared:
        raise KioskRefused("Cette fiche n'est pas partagée.")
    copy = HelpSheet(
        centre=centre,
        procedure=original.procedure,
        title=original.title,
        summary=original.summary,
        to_bring=original.to_bring,
        identifiers=original.identifiers,
        steps=original.steps,
        is_shared=False,
        copied_from=original,
        updated_by=user,
    )
    copy.save()
    return copy


# --- The reception's help log -----------------------------------------------------------------------


@transaction.atomic
def record_assisted(
    centre: Centre,
    *,
    user,
    organisation: str,
    kind: str,
    autonomy: str,
    duration: str,
    computer_help: bool = False,
    referral_reason: str = "",
    person=None,
    consent: bool = False,
    day: date | None = None,
) -> AssistedProcedure:
    """One assisted procedure. Anonymous unless the person agreed to have it in their file: a person
    without the consent ticked is refused, not silently dropped."""
    if person is not None and not consent:
        raise KioskRefused("Pour relier cette aide au dossier de la personne, il faut son accord.")
    if person is not None and person.centre_id != centre.pk:
        raise KioskRefused("Cette personne n'est pas suivie par votre centre.")
    if organisation not in Organisation.values:
        raise KioskRefused("Choisissez l'organisme.")
    return AssistedProcedure.objects.create(
        centre=centre,
        day=day or timezone.localdate(),
        recorded_by=user,
        organisation=organisation,
        kind=kind,
        autonomy=autonomy,
        duration=duration,
        computer_help=computer_help,
        referral_reason=referral_reason,
        person=person,
        consent=consent and person is not None,
    )


@transaction.atomic
def cancel_assisted(record: AssistedProcedure, *, centre: Centre) -> None:
    """Take back an entry typed by mistake (the journal keeps that it existed)."""
    if record.centre_id != centre.pk:
        raise KioskRefused("Cette aide n'a pas été enregistrée dans votre centre.")
    record.delete()

"""The hostile-input sweep (issue 18, « Done when »): every URL the tenancy walker knows, public and staff,
is read with what an attacker sends in its query string, and every form its page shows is posted with it
in every field. Never a server error; never the hostile value saved; never a redirection off the site.

Nothing here lists the pages or their fields. The URLs are the walker's (csc/core/tests/test_tenancy_walk.py),
filled with the objects each module plants (`TenancyFixture`), this time in the user's own centre; the
fields are read from the page's HTML, as a browser would. A new page, a new form or a new field is swept
without a line changed here.

The hostile values, by group (one test per URL and group, so that a failure names both):

- text: NUL, 100,000 characters, a right-to-left override inside a word, zero-width characters only —
  in every free-text field with the rest of the form as shown (so that the text decides), then NUL in
  every field, hidden ones and choices included, then one of the four alone in each free-text field in
  turn (in every field at once, a field with a format of its own — a postcode, an hour — refuses them all
  and hides what the other fields would keep);
- deep_json: « [ » × 1500 + « ] » × 1500 in every field, and as the body of the JSON endpoints;
- numbers: 1e308, 10**40, -1 and « ² » (a digit for str.isdigit(), not for int()) in every field;
- dates: 2026-02-30, 31/31/2026, 0000-00-00 and 9999-12-31 (a real date, at the calendar's edge) in every
  field;
- next: abc, //evil.example and javascript:alert(1) as `next`, in the query string and the form.

« As shown » is as a person sends it: a field the page shows empty gets a plausible value of its type (an
e-mail, a phone, a date, a number, a word), a consent box the form requires is ticked, and the honeypot
(csc.core.honeypot) is always left empty — filled, it makes a public form drop what it was sent, and
« nothing saved » could not fail there. File inputs are not posted: the upload bombs (size, rows, archive)
have their own tests next to each upload.

A form with several submit buttons does a different thing for each (the pré-adhésion adds an adult, adds
a child or sends the request): every value of a group goes with its main button — the first the page does
not style as secondary (`button--secondary`) — and each other button gets one value of the group, in turn,
so that a form with three buttons costs two posts more per group, not three times as many.

A page that sends every user to another form of the same object (a centre's own directory entry is
edited, not proposed to) is read again with another centre's object (`Sweep.elsewhere`), or fails: it
would otherwise be swept under the other form's name, and itself never. The users are the centre roles
(reception and coordination included), the territory and the federation, anonymous first.

« Nothing saved » is checked where it can be cheaply and exactly: a spy on the database connection sees
every INSERT and UPDATE of the request and fails the test if one of its parameters carries a NUL, the
override, a zero-width character, the 100,000 characters or one of the huge numbers — whatever the table,
the journal included, and inside JSON values (a psycopg Jsonb on PostgreSQL, a JSON text on SQLite where
a NUL is written « \\u0000 »). (Row counts would miss an UPDATE, and a page may rightly record a read.)

The world is built once per module (per xdist worker) inside a transaction rolled back at the end; each
test runs in a savepoint of it, so what a POST changes is gone for the next test.
"""

from __future__ import annotations

import functools
import json
import re
import sys
from dataclasses import dataclass, field
from decimal import Decimal
from html.parser import HTMLParser
from urllib.parse import urlencode, urljoin, urlsplit

import pytest
from django.apps import apps
from django.contrib.auth.tokens import default_token_generator
from django.core.cache import cache
from django.core.signals import got_request_exception
from django.db import connection, transaction
from django.test import Client, override_settings
from django.urls import Resolver404, resolve
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from csc.core import honeypot
from csc.core import services as core_services
from csc.core.tests.test_tenancy_walk import PARAMETER, all_routes
from csc.testing import factories
from csc.testing.pages import visible_text
from csc.testing.tenancy import build_foreign_world, object_for_parameter

HUNDRED_K = "x" * 100_000
RTL_OVERRIDE = "facture\u202efdp.exe"
ZERO_WIDTH = "\u200b\u200b"
DEEP_JSON = "[" * 1500 + "]" * 1500
TEXTS = {"NUL": "Atelier\x00", "100k": HUNDRED_K, "RTL": RTL_OVERRIDE, "zero-width": ZERO_WIDTH}
# « ² » is a digit for str.isdigit() that int() refuses.
NUMBERS = {"1e308": "1e308", "10**40": str(10**40), "-1": "-1", "²": "²"}
# The last one is a real date, at the edge of the calendar: a day or a week after it does not exist.
DATES = {
    "2026-02-30": "2026-02-30",
    "31/31/2026": "31/31/2026",
    "0000-00-00": "0000-00-00",
    "9999-12-31": "9999-12-31",
}
NEXTS = {"abc": "abc", "//evil": "//evil.example", "javascript": "javascript:alert(1)"}
GROUPS = ("text", "deep_json", "numbers", "dates", "next")

# What views read from a query string besides the fields of the page's own search forms.
QUERY_NAMES = (
    "q", "page", "next", "mois", "date", "du", "au", "annee", "semaine", "statut", "personne", "apercu",
    "suite", "tri", "centre", "age", "duree", "type", "periode", "activite", "groupe", "action", "quoi",
)  # fmt: skip
# What POST-only views read (their form lives on another page, which the sweep posts from there).
POST_NAMES = (
    "next", "centre", "favori", "quoi", "statut", "attendu", "retour", "personne", "action", "formulaire",
    "sens", "suite", "brouillon", "version", "tile", "mois", "accord", "apercu", "reason", "note",
)  # fmt: skip
FREE_TEXT = {"text", "email", "tel", "search", "url", "password", "textarea"}
# Where a text is free: the text group's values go there. An e-mail, a phone or an address field refuses
# any of them for its format, and would keep the form from ever validating: those get a plausible value.
TYPED_TEXT = {"text", "search", "password", "textarea"}
# What a person types in a field the page shows empty, so that a form can validate and the hostile value
# alone decides whether it is saved.
PLAUSIBLE = {
    "text": "Balayage",
    "textarea": "Balayage",
    "email": "balayage@example.org",
    "tel": "0612345678",
    "url": "https://example.org/",
    "number": "1",
    "date": "2027-01-04",
    # Text inputs whose format the page announces (autocomplete, inputmode), and a birth date.
    "postal-code": "59100",
    "decimal": "612,50",
    "numeric": "59100",
    "birth-date": "2018-05-04",
}
# The hints that make a text input a field with a format: it gets a plausible value, not the text group's.
FORMAT_HINTS = {
    "tel": "tel",
    "email": "email",
    "postal-code": "postal-code",
    "decimal": "decimal",
    "numeric": "numeric",
}
NEVER_POSTED = {"logout"}  # would end the session the sweep works in


# --- The pages' forms, as a browser reads them --------------------------------------------------------------


@dataclass
class Form:
    method: str
    action: str
    fields: list[tuple[str, str, str]] = field(default_factory=list)  # (name, kind, value shown)
    radios: dict[str, str] = field(default_factory=dict)  # first choice of unchecked radio groups
    # Lists of choices (several checkboxes of one name): their first value and how many boxes.
    checklists: dict[str, tuple[str, int]] = field(default_factory=dict)
    # Its submit buttons, (name, value) or None for one without a name (it sends nothing of its own), in
    # the order of the page, with whether the page styles it as secondary.
    buttons: list[tuple[tuple[str, str] | None, bool]] = field(default_factory=list)

    def baseline(self, button: tuple[str, str] | None = None) -> dict[str, list[str]]:
        """What the browser would send with nothing changed, when `button` is pressed."""
        data: dict[str, list[str]] = {}
        for name, kind, value in self.fields:
            typed = "" if name == honeypot.FIELD else PLAUSIBLE.get(kind, "")
            data.setdefault(name, []).append(value or typed)
        for name, value in self.radios.items():
            data.setdefault(name, [value])
        # A list of choices none of which is ticked (the days of a booking): a person ticks one. A lone
        # box is left as it is (« supprimer » in a row of a formset).
        for name, (value, boxes) in self.checklists.items():
            if boxes > 1:
                data.setdefault(name, [value])
        if button:
            data[button[0]] = [button[1]]
        return data

    def submits(self) -> list[tuple[str, str] | None]:
        """Its distinct buttons, the main one first: the first the page does not style as secondary."""
        buttons = list(dict.fromkeys(self.buttons)) or [(None, False)]
        main = next((b for b in buttons if not b[1]), buttons[0])
        return list(dict.fromkeys([main[0]] + [button for button, _ in buttons]))

    def names(self, kinds: set[str] | None = None) -> set[str]:
        named = {name for name, kind, _ in self.fields if kinds is None or kind in kinds}
        if kinds is None:
            named |= set(self.radios)
        # The trap field stays empty, as a person leaves it: filled, it would make a public form drop
        # whatever it was sent, and « nothing saved » could not fail there.
        return named - {"csrfmiddlewaretoken", honeypot.FIELD}


class FormParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: dict | None = None
        self._textarea: list | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self._form = Form((a.get("method") or "get").lower(), a.get("action") or "")
            self.forms.append(self._form)
            return
        form = self._form
        if form is None:
            return
        name = a.get("name")
        kind = (a.get("type") or ("submit" if tag == "button" else "text")).lower()
        if tag in ("input", "button") and kind == "submit" and "disabled" not in a:
            button = (name, a.get("value") or "") if name else None
            form.buttons.append((button, "secondary" in (a.get("class") or "")))
        if tag == "input" and name:
            if kind in ("checkbox", "radio"):
                if "checked" in a or (kind == "checkbox" and "required" in a):  # a consent is given
                    form.fields.append((name, kind, a.get("value") or "on"))
                elif kind == "checkbox":
                    first, boxes = form.checklists.get(name, (a.get("value") or "on", 0))
                    form.checklists[name] = (first, boxes + 1)
                elif kind == "radio":
                    form.radios.setdefault(name, a.get("value") or "on")
            elif kind not in ("file", "image", "reset", "button", "submit"):
                if kind == "text":
                    hint = a.get("autocomplete") or a.get("inputmode") or ""
                    kind = FORMAT_HINTS.get(hint, kind)
                elif kind == "date" and ("birth" in name or "naissance" in name):
                    kind = "birth-date"
                form.fields.append((name, kind, a.get("value") or ""))
        elif tag == "select" and name:
            self._select = {"name": name, "first": None, "selected": []}
        elif tag == "option" and self._select is not None:
            value = a.get("value") or ""
            if self._select["first"] is None and value:
                self._select["first"] = value
            if "selected" in a:
                self._select["selected"].append(value)
        elif tag == "textarea" and name:
            self._textarea = [name, ""]

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select" and self._select is not None and self._form is not None:
            chosen = self._select["selected"] or [self._select["first"] or ""]
            self._form.fields.extend((self._select["name"], "select", value) for value in chosen)
            self._select = None
        elif tag == "textarea" and self._textarea is not None and self._form is not None:
            self._form.fields.append((self._textarea[0], "textarea", self._textarea[1].removeprefix("\n")))
            self._textarea = None


def forms_of(html: str) -> list[Form]:
    parser = FormParser()
    parser.feed(html)
    return parser.forms


# --- The world, once per module -----------------------------------------------------------------------------


@dataclass
class Sweep:
    world: object
    users: dict  # key -> user or None (anonymous), in the order they are tried
    tokens: dict  # key -> API token secret
    # {URL parameter: object} of another centre of the network, readable by the users, for the pages that
    # send a user's own object to another form (a centre's own entry is edited, not proposed to).
    elsewhere: dict = field(default_factory=dict)
    pages: dict = field(default_factory=dict)  # route -> Page, kept for the other groups of the route


@dataclass
class Page:
    url: str
    user_key: str | None
    status: int
    forms: list[Form]
    entry: str = ""  # the address that leads to `url` by a redirection, read again before posting
    document: bool = False  # a PDF, a spreadsheet or a CSV rather than a page
    sent_elsewhere: str = ""  # the other form every user was sent to instead of this page


@pytest.fixture(scope="module")
def sweep(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), override_settings(CSC_OTP_REQUIRED_ROLES=[]):
        cache.clear()
        outer = transaction.atomic()
        outer.__enter__()
        try:
            north = factories.TerritoryFactory(name="Territoire Nord")
            south = factories.TerritoryFactory(name="Territoire Sud", federation=north.federation)
            alpha = factories.CentreFactory(name="Centre Alpha", territory=north)
            centre_b = factories.CentreFactory(name="Centre Bêta", territory=south)
            third = factories.CentreFactory(name="Centre Gamma", territory=north)
            world = build_foreign_world(centre_b, third)
            users = {"anonyme": None}
            roles = ("director", "social_worker", "kiosk_referent", "digital_mediator", "animator")
            for role in roles + ("reception", "coordinator"):
                users[role] = factories.StaffRoleFactory(role=role, centre=centre_b).user
            users["territoire"] = factories.StaffRoleFactory(
                role="territory_coordinator", centre=None, territory=south
            ).user
            users["federation"] = factories.StaffRoleFactory(
                role="federation", centre=None, federation=south.federation
            ).user
            tokens = {
                key: core_services.create_api_token(user=user, name=f"balayage {key}")[1]
                for key, user in users.items()
                if user is not None
            }
            elsewhere = {}
            if apps.is_installed("csc.directory"):
                from csc.directory.services import entry_of_centre

                elsewhere["structure_id"] = entry_of_centre(alpha)
            yield Sweep(world, users, tokens, elsewhere)
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            cache.clear()


def fill(route: str, world, elsewhere: dict | None = None) -> str:
    """The walker's filling, with the user's own centre's objects (or `elsewhere`'s) and links that are
    valid."""

    def substitute(match):
        name = match.group("name")
        if elsewhere and name in elsewhere:
            return str(elsewhere[name].pk)
        if name == "uidb64":
            return urlsafe_base64_encode(force_bytes(world.staff_user.pk))
        if name == "token":
            return _token(route, world)
        if name == "fmt":
            return "csv"
        if name == "action":
            return "masquer"
        if name == "procedure" and "help_sheet_id" in world.objects:
            return world.objects["help_sheet_id"].procedure.slug
        if match.group("converter") in ("slug", "path") or name == "slug":
            return world.centre.slug
        return str(object_for_parameter(world, name).pk)

    return "/" + PARAMETER.sub(substitute, route)


def _token(route: str, world) -> str:
    if route.startswith("suivi/") and "request_id" in world.objects:
        from csc.enrolment.notifications import follow_token

        return follow_token(world.objects["request_id"])
    if route.startswith("compte/"):
        return default_token_generator.make_token(world.staff_user)
    return "bad-token"


# --- What must never happen ---------------------------------------------------------------------------------


class SavedSpy:
    """Database execute wrapper: the hostile values found in the parameters of an INSERT or an UPDATE."""

    TABLE = re.compile(r'^\s*(?:INSERT\s+INTO|UPDATE)\s+"?(\w+)"?', re.I)

    def __init__(self):
        self.found: list[str] = []

    def __call__(self, execute, sql, params, many, context):
        table = self.TABLE.match(sql)
        if table and params:
            rows = params if many else [params]
            if isinstance(rows, (list, tuple)):
                for row in rows:
                    for value in row.values() if isinstance(row, dict) else row:
                        what = self.hostile(value)
                        if what:
                            self.found.append(f"{what} enregistré dans {table.group(1)}")
        return execute(sql, params, many, context)

    @classmethod
    def hostile(cls, value) -> str | None:
        """What hostile value a parameter carries, looking inside a JSON value too: a JSONField is sent as
        a psycopg Jsonb on PostgreSQL and as a JSON text on SQLite, where a NUL is the six characters
        « \\u0000 »."""
        pending = [value]
        while pending:  # without recursion: a deep JSON value costs no stack
            item = pending.pop()
            if hasattr(item, "obj") and type(item).__name__ in ("Json", "Jsonb"):
                pending.append(item.obj)
            elif isinstance(item, dict):
                pending += [*item.keys(), *item.values()]
            elif isinstance(item, (list, tuple)):
                pending += item
            else:
                what = cls._hostile_scalar(item)
                if what:
                    return what
                if isinstance(item, str) and item[:1] in ("{", "[", '"'):
                    pending.append(_json_or_none(item))
        return None

    @staticmethod
    def _hostile_scalar(value) -> str | None:
        if isinstance(value, str):
            for marker, what in (("\x00", "NUL"), ("\u202e", "RTL"), ("\u200b", "zero-width")):
                if marker in value:
                    return what
            return "100k" if len(value) >= len(HUNDRED_K) else None
        if isinstance(value, bool):
            return None
        if isinstance(value, int) and abs(value) >= 10**30:
            return "10**40"
        if isinstance(value, float) and abs(value) >= 1e300:
            return "1e308"
        if isinstance(value, Decimal) and value.is_finite() and abs(value) >= Decimal("1e30"):
            return "grand nombre"
        return None


def _json_or_none(text: str):
    try:
        return json.loads(text)
    except (ValueError, RecursionError):
        return None


class Attempt:
    """One test's requests and what went wrong in them."""

    def __init__(self, client: Client, route: str):
        self.client = client
        self.route = route
        self.failures: list[str] = []
        self.spy = SavedSpy()
        self.exceptions: list[str] = []

    def record_exception(self, sender, request=None, **kwargs):
        kind, error, _ = sys.exc_info()
        if kind is not None:
            self.exceptions.append(f"{kind.__name__}: {str(error)[:200]}")

    def send(self, label: str, method: str, path: str, **kwargs):
        before = len(self.spy.found)
        self.exceptions.clear()
        response = getattr(self.client, method)(path, **kwargs)
        shown = path if len(path) < 150 else path[:150] + "…"
        if response.status_code >= 500:
            why = "; ".join(self.exceptions) or "?"
            self.failures.append(f"{method.upper()} {shown} [{label}] → {response.status_code} ({why})")
        saved = self.spy.found[before:]
        if saved:
            self.failures.append(f"{method.upper()} {shown} [{label}] → {', '.join(sorted(set(saved)))}")
        location = response.get("Location", "") if 300 <= response.status_code < 400 else ""
        if location and not _same_site(location):
            self.failures.append(
                f"{method.upper()} {shown} [{label}] → redirige hors du site : {location[:80]}"
            )
        return response


def _same_site(location: str) -> bool:
    parts = urlsplit(location)
    if parts.scheme and parts.scheme not in ("http", "https"):
        return False
    return parts.netloc in ("", "testserver") and not location.startswith(("//", "/\\"))


def _login(client: Client, sweep: Sweep, key: str | None) -> None:
    client.logout()
    user = sweep.users.get(key) if key else None
    if user is not None:
        client.force_login(user)


def _page(client: Client, sweep: Sweep, route: str) -> Page:
    """The route's page, read by the first user it opens to (anonymous first); kept for the other groups."""
    page = sweep.pages.get(route)
    if page is not None:
        return page
    page = _read(client, sweep, fill(route, sweep.world))
    names = {match.group("name") for match in PARAMETER.finditer(route)}
    if page.sent_elsewhere and names & set(sweep.elsewhere):
        page = _read(client, sweep, fill(route, sweep.world, sweep.elsewhere))
    sweep.pages[route] = page
    return page


def _read(client: Client, sweep: Sweep, entry: str) -> Page:
    first, sent_elsewhere = None, ""
    for key in sweep.users:
        _login(client, sweep, key)
        url, response = entry, client.get(entry)
        location = response.get("Location", "") if response.status_code == 302 else ""
        if location.startswith(entry.rstrip("/").rsplit("/", 1)[0] + "/"):
            if _view(location) == _view(entry):
                # A reset link trades its token for a session, then shows its form at a sibling address.
                url, response = location, client.get(location)
            else:
                # Another form of the same object (« yours: edit it » for a proposal): following it would
                # sweep that form under this page's name, and this one never.
                sent_elsewhere = location
        status = response.status_code
        if first is None:
            first = (key, status)
        if status in (200, 405):
            is_html = not response.streaming and "html" in response.get("Content-Type", "")
            html = response.content.decode(errors="replace") if is_html else ""
            page = Page(
                url, key, status, forms_of(html) if status == 200 else [], entry if url != entry else ""
            )
            page.document = status == 200 and not is_html
            break
    else:
        page = Page(entry, first[0], first[1], [], sent_elsewhere=sent_elsewhere)
    if page.status == 405 and page.user_key == "anonyme":
        page.user_key = "director"  # a POST-only staff address: its checks come after the method's
    return page


def _view(path: str):
    try:
        return resolve(urlsplit(path).path).func
    except Resolver404:
        return None


def _shape(path: str) -> str:
    return re.sub(r"\d+", "0", path)


def _targets(page: Page) -> list[tuple[str, Form]]:
    """(path, form) of every distinct POST form on the page; row forms of a list count once."""
    targets, seen = [], set()
    for form in page.forms:
        if form.method != "post":
            continue
        action = urljoin(page.url, form.action) if form.action else page.url
        parts = urlsplit(action)
        if parts.netloc not in ("", "testserver"):
            continue
        try:
            match = resolve(parts.path)
        except Resolver404:
            continue
        if match.url_name in NEVER_POSTED:
            continue
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        key = (_shape(parts.path), tuple(sorted(form.names())))
        if key not in seen:
            seen.add(key)
            targets.append((path, form))
    if not targets and page.status == 405:
        generic = Form("post", page.url, [(name, "text", "") for name in POST_NAMES])
        targets.append((page.url, generic))
    return targets


def _with(data: dict, names, value: str) -> dict:
    return data | {name: [value] for name in names}


def _with_query(path: str, params: dict) -> str:
    return f"{path}{'&' if '?' in path else '?'}{urlencode(params)}"


def _posts(group: str, form: Form) -> list[tuple[str, dict, dict]]:
    """(label, data, extra query) of the POSTs a group makes to one form: every value of the group with its
    main button, and one value each, in turn, with each other button."""
    main, *others = form.submits()
    posts = _values_posted(group, form, main)
    for turn, button in enumerate(others):
        theirs = _values_posted(group, form, button)
        posts.append(theirs[turn % len(theirs)])
    return posts


def _values_posted(group: str, form: Form, button) -> list[tuple[str, dict, dict]]:
    baseline = form.baseline(button)
    everything = form.names()
    pressed = f", {button[0]}={button[1]}" if button else ""
    posts = []
    if group == "text":
        free = form.names(TYPED_TEXT) or form.names(FREE_TEXT) or everything
        posts += [(label, _with(baseline, free, value), {}) for label, value in TEXTS.items()]
        posts.append(("NUL partout", _with(baseline, everything, TEXTS["NUL"]), {}))
        # The same values alone in one field each, the rest as a person fills it: in every field at once, a
        # field with a format of its own (a postcode, an hour) refuses them all and hides what the others
        # would keep. One value per field, in turn, so that the cost grows with the fields, not fourfold.
        values = list(TEXTS.items())
        for turn, name in enumerate(sorted(form.names(TYPED_TEXT))):
            label, value = values[turn % len(values)]
            posts.append((f"{label} dans {name}", _with(baseline, [name], value), {}))
    elif group == "deep_json":
        posts.append(("JSON profond", _with(baseline, everything, DEEP_JSON), {}))
    elif group in ("numbers", "dates"):
        values = NUMBERS if group == "numbers" else DATES
        posts += [(label, _with(baseline, everything, value), {}) for label, value in values.items()]
    elif group == "next":
        posts += [(f"next={v}", baseline | {"next": [v]}, {"next": v}) for v in NEXTS.values()]
    return [(label + pressed, data, query) for label, data, query in posts]


def _queries(group: str, page: Page) -> list[tuple[str, dict]]:
    """(label, parameters) of the GETs a group makes: the page's own search fields and the usual names."""
    searched = {"q"}
    for form in page.forms:
        if form.method == "get":
            searched |= form.names()
    names = sorted(searched | set(QUERY_NAMES))
    values = {"text": TEXTS, "deep_json": {"JSON profond": DEEP_JSON}, "numbers": NUMBERS, "dates": DATES}
    if group == "next":
        return [(f"next={v}", {"next": v}) for v in NEXTS.values()]
    if page.document:
        # A document costs a PDF or a workbook per request: one value of the group reaches the parameters
        # it reads (a month, a group) as well as four.
        label, value = next(iter(values[group].items()))
        return [(label, dict.fromkeys(names, value))]
    return [
        # 100,000 characters in every usual name would make a 2.5 MB address: the searches get them.
        (label, dict.fromkeys(sorted(searched) if value is HUNDRED_K else names, value))
        for label, value in values[group].items()
    ]


# --- The JSON endpoints: the kiosk's events and the API -----------------------------------------------------


def _json_bodies(group: str, properties: dict) -> list[tuple[str, str]]:
    """(label, body) for a JSON endpoint whose object takes `properties` ({name: nested properties})."""
    if group == "deep_json":
        return [("JSON profond", DEEP_JSON)]
    if group == "next":
        return []
    values = {"text": TEXTS, "dates": DATES}.get(group)
    if values is None:  # numbers, sent as JSON numbers
        numbers = {"1e308": 1e308, "10**40": 10**40, "-1": -1}
        return [(label, json.dumps(_object(properties, n))) for label, n in numbers.items()]
    return [(label, json.dumps(_object(properties, v))) for label, v in values.items()]


def _object(properties: dict, value) -> dict:
    return {
        name: [_object(nested, value)] if nested else value for name, nested in (properties or {}).items()
    }


@functools.cache
def _openapi_operations() -> dict[str, dict[str, dict]]:
    """{django route: {method: {property: nested properties}}} of the API, read from its schema."""
    from csc.api import api

    schema = api.get_openapi_schema()
    components = schema.get("components", {}).get("schemas", {})

    def properties(node, depth=0) -> dict:
        if depth > 3 or not isinstance(node, dict):
            return {}
        if "$ref" in node:
            node = components.get(node["$ref"].rsplit("/", 1)[-1], {})
        for combined in ("allOf", "anyOf"):
            for part in node.get(combined, []):
                found = properties(part, depth + 1)
                if found:
                    return found
        result = {}
        for name, spec in node.get("properties", {}).items():
            items = spec.get("items") if spec.get("type") == "array" else None
            result[name] = properties(items, depth + 1) if items else {}
        return result

    operations: dict[str, dict[str, dict]] = {}
    for path, methods in schema["paths"].items():
        route = re.sub(r"\{(\w+)\}", r"<\1>", path.lstrip("/"))
        for method, operation in methods.items():
            body = operation.get("requestBody", {}).get("content", {}).get("application/json", {})
            operations.setdefault(route, {})[method] = properties(body.get("schema", {}))
    return operations


def _api_route_key(route: str) -> str:
    return re.sub(r"<(?:\w+:)?(\w+)>", r"<\1>", route)


def sweep_json(attempt: Attempt, sweep: Sweep, route: str, name: str | None, group: str) -> None:
    url = fill(route, sweep.world)
    if name == "events":  # the kiosk's events: anonymous, CSRF-exempt, JSON
        for label, body in _json_bodies(group, {"type": {}, "tuile": {}}):
            attempt.send(label, "post", url, data=body, content_type="application/json")
        return
    headers = {"HTTP_AUTHORIZATION": f"Bearer {sweep.tokens['director']}"}
    operations = _openapi_operations().get(_api_route_key(route)) or {"get": {}}  # the docs pages
    for method, properties in operations.items():
        if method == "get":
            for label, params in _queries(group, Page(url, None, 200, [])):
                attempt.send(label, "get", _with_query(url, params), **headers)
        elif method in ("post", "put", "patch"):
            for label, body in _json_bodies(group, properties):
                attempt.send(label, method, url, data=body, content_type="application/json", **headers)


# --- The test -----------------------------------------------------------------------------------------------


def _cases():
    cases = []
    for route, name in all_routes():
        for group in GROUPS:
            cases.append(pytest.param(route, name, group, id=f"{route}-{group}"))
    return cases


@pytest.mark.django_db
@pytest.mark.parametrize(("route", "name", "group"), _cases())
def test_no_hostile_input_breaks_a_page_or_is_saved(sweep, route, name, group):
    cache.clear()  # rate limits and cached pages start afresh for every test
    client = Client(raise_request_exception=False)
    attempt = Attempt(client, route)
    got_request_exception.connect(attempt.record_exception)
    try:
        with connection.execute_wrapper(attempt.spy):
            if route.startswith("api/") or name == "events":
                sweep_json(attempt, sweep, route, name, group)
            else:
                page = _page(client, sweep, route)
                assert not page.sent_elsewhere, (
                    f"{route} : chaque utilisateur est renvoyé vers {page.sent_elsewhere}, un autre "
                    "formulaire ; donnez au balayage un objet d'un autre centre pour cette page "
                    "(Sweep.elsewhere)."
                )
                _login(client, sweep, page.user_key)
                if page.entry:
                    client.get(page.entry)
                for label, params in _queries(group, page):
                    attempt.send(label, "get", _with_query(page.url, params))
                for path, form in _targets(page):
                    for label, data, query in _posts(group, form):
                        target = _with_query(path, query) if query else path
                        attempt.send(label, "post", target, data=data)
                        if page.user_key != "anonyme" and "_auth_user_id" not in client.session:
                            _login(client, sweep, page.user_key)  # a form that logs out (password, role)
    finally:
        got_request_exception.disconnect(attempt.record_exception)
    assert not attempt.failures, f"{route} ({name}), {group} :\n" + "\n".join(attempt.failures[:30])


def test_the_sweep_reads_the_fields_of_a_page_as_a_browser_sends_them():
    html = """
    <form method="get" action="/chercher/"><input name="q"></form>
    <form method="post">
      <input type="hidden" name="csrfmiddlewaretoken" value="t">
      <input name="title" value="Atelier &amp; cuisine">
      <input type="checkbox" name="kept" value="1" checked><input type="checkbox" name="left" value="1">
      <input type="radio" name="when" value="am"><input type="radio" name="when" value="pm">
      <select name="kind"><option value="">—</option><option value="a">A</option></select>
      <select name="many" multiple>
        <option value="x" selected>X</option><option value="y" selected>Y</option>
      </select>
      <textarea name="note">
ligne 1</textarea>
      <input type="text" name="site_internet" value="">
      <button type="submit" name="action" value="ajouter" class="button button--secondary">Ajouter</button>
      <button type="submit" name="action" value="publier">Publier</button>
      <button type="submit">Enregistrer</button><button type="submit" name="x" disabled>X</button>
      <input type="file" name="upload">
    </form>
    """
    search, form = forms_of(html)
    # The main button first (the first not styled as secondary), then the others; a disabled one is not
    # pressed; one without a name sends nothing of its own.
    assert form.submits() == [("action", "publier"), ("action", "ajouter"), None]
    assert (search.method, search.action, search.names()) == ("get", "/chercher/", {"q"})
    assert form.baseline(("action", "publier")) == {
        "csrfmiddlewaretoken": ["t"],
        "title": ["Atelier & cuisine"],
        "kept": ["1"],
        "kind": ["a"],
        "many": ["x", "y"],
        "note": ["ligne 1"],
        "site_internet": [""],
        "when": ["am"],
        "action": ["publier"],
    }
    # The honeypot is never filled: a public form would drop what it was sent, whatever it was.
    assert form.names(FREE_TEXT) == {"title", "note"}
    assert "site_internet" not in form.names()
    labels = [label for label, _data, _query in _posts("next", form)]
    assert labels == [
        "next=abc, action=publier",
        "next=//evil.example, action=publier",
        "next=javascript:alert(1), action=publier",
        "next=abc, action=ajouter",
        "next=//evil.example",
    ]


def test_the_spy_finds_a_hostile_value_in_any_write():
    Jsonb = pytest.importorskip("psycopg.types.json").Jsonb
    spy = SavedSpy()
    spy(lambda *args: None, 'UPDATE "core_centre" SET "name" = %s', ["a\x00"], False, {})
    spy(lambda *args: None, "INSERT INTO kiosk_kioskevent VALUES (%s, %s)", [10**40, "ok"], False, {})
    spy(lambda *args: None, "SELECT %s", ["\u202e"], False, {})
    # A JSONField's value: a JSON text on SQLite (NUL written « \u0000 »), a Jsonb object on PostgreSQL.
    spy(
        lambda *args: None,
        'UPDATE "directory_structure" SET "hours" = %s',
        [json.dumps({"a": ["\x00"]})],
        False,
        {},
    )
    spy(
        lambda *args: None,
        'INSERT INTO "directory_correction" VALUES (%s)',
        [Jsonb({"b": "\u202e"})],
        False,
        {},
    )
    assert spy.found == [
        "NUL enregistré dans core_centre",
        "10**40 enregistré dans kiosk_kioskevent",
        "NUL enregistré dans directory_structure",
        "RTL enregistré dans directory_correction",
    ]


def test_the_sweep_covers_public_and_staff_forms():
    routes = {route for route, _ in all_routes()}
    assert {
        "compte/connexion/",
        "borne/<slug:slug>/recherche/",
        "inscriptions/<slug:centre_slug>/adhesion/",
    } <= routes
    assert len(_cases()) == len(GROUPS) * len(all_routes())


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("route", "accepted"),
    [
        ("inscriptions/<slug:centre_slug>/adhesion/", "Vérifiez votre demande"),
        ("inscriptions/<slug:centre_slug>/periodes/<int:period_id>/", "Vérifiez votre demande"),
    ],
)
def test_the_public_forms_validate_with_what_the_sweep_types_as_a_person(sweep, route, accepted):
    # Otherwise every hostile post would be refused for a postcode or a birth date, and « nothing saved »
    # could not fail on the forms anyone may send.
    cache.clear()
    client = Client(raise_request_exception=False)
    page = _page(client, sweep, route)
    (path, form), *_ = _targets(page)
    response = client.post(path, form.baseline(form.submits()[0]))
    assert response.status_code in (200, 302)
    text = visible_text(response) if response.status_code == 200 else ""
    assert response.status_code == 302 or accepted in text, text[:3000]

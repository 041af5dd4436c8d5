"""What each module brings to the platform, declared by the module itself.

Core never imports a module: each app describes itself with a `Module` and calls `register()` from its
`AppConfig.ready()`; core reads the declarations through the functions below. Adding a module is then
writing the app and one line in INSTALLED_APPS — no core list to extend, no core migration.

Readers walk the apps Django has installed, in INSTALLED_APPS order, and see only those: a declaration
of an app that is not installed (a test that installed a demo app and then left) is ignored. Hooks that
would import a module's heavier code (its API router, its tenancy planter, its personal-data section) are
given as dotted paths and imported only when read, so that declaring a module costs nothing at start-up
and never creates an import cycle.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cache

from django.apps import apps
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.module_loading import import_string


class Theme:
    """The headings the staff home and the navigation group tiles under, in this order.

    A fixed list on purpose: the menu stays short and a module files its tiles under the heading staff
    already know. A new heading is a platform decision, made here."""

    RECEPTION = "Accueil et familles"
    ACTIVITIES = "Activités et présences"
    ANIMATION = "Animation"
    KIOSK = "Borne et démarches"
    CASEWORK = "Accompagnement social"
    STEERING = "Pilotage"
    CENTRE = "Centre et équipe"

    ORDER = (RECEPTION, ACTIVITIES, ANIMATION, KIOSK, CASEWORK, STEERING, CENTRE)


@dataclass(frozen=True)
class Capability:
    """A right a role opens in a centre. `roles` are the codes of `csc.core.roles.Role` that get it;
    the roles stay the platform's, each module says which of them may use what it brings."""

    code: str
    label: str
    roles: frozenset[str]


@dataclass(frozen=True)
class Tile:
    """An entry of the staff home and of the navigation, shown to whom holds `capability` in the centre.

    `description` must promise only what `url_name` opens to that reader: a page guarded by another
    capability goes in `links`, shown only to whom holds its own capability."""

    title: str
    description: str
    url_name: str
    capability: str
    theme: str
    order: int = 100
    links: tuple[SubLink, ...] = ()


@dataclass(frozen=True)
class SubLink:
    """A second page of a tile (« le rapport CAF du mois ») with its own capability."""

    label: str
    url_name: str
    capability: str


@dataclass(frozen=True)
class PersonalData:
    """How a module takes part in a person's data rights (csc.people.services).

    - `section`: dotted path to `f(person, actor) -> dict | None`, the module's part of the export under
      `title`; None when this actor may not read it (the export then does not say it exists).
    - `hidden_events`: dotted path to `f() -> Q` on AuditEvent, the journal lines left out of the export
      when the section is None (they would reveal what the section hides).
    - `forget`: dotted path to `f(person, *, actor, reason)`, called before a person is anonymised or
      erased, while they still have their name.
    - `own_section`: the module's records are exported by `section` only, never in « Autres données ».
    - `generic`: why the generic export (reverse relations in « Autres données ») and the cascade of an
      erasure are enough for this module's personal data, when it declares no hook.
    """

    title: str = ""
    section: str = ""
    hidden_events: str = ""
    forget: str = ""
    generic: str = ""

    @property
    def own_section(self) -> bool:
        return bool(self.section)


@dataclass(frozen=True)
class TenancyFixture:
    """What the tenancy walker plants for this module in the foreign centre (csc.testing.tenancy).

    `plant`: dotted path to `f(world) -> dict[url_parameter, object]`, called in INSTALLED_APPS order, so
    a planter may use what lower apps planted (`world.objects`). `snapshot`: dotted path to
    `f(world) -> dict`, the module's state that an intruder must not change."""

    plant: str
    snapshot: str = ""


@dataclass(frozen=True)
class Waiting:
    """Something that waits for the user, shown on the staff home: « 3 demandes en ligne à traiter »
    linking to `url`. `late` marks what is overdue."""

    count: int
    label: str
    url: str
    late: bool = False


@dataclass(frozen=True)
class Section:
    """A module's part of a page another app owns (the household's, the person's): a heading, the
    template that draws it and that template's context. The owning page includes it as it is."""

    title: str
    template_name: str
    context: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Module:
    """Everything an app brings. `app` is its AppConfig.name ("csc.people").

    `urls` is the module's URLconf, included at the site's root; `url_priority` orders the includes
    (lower first: the busiest public pages are resolved first). `api_router` is the dotted path of a
    ninja Router mounted under /api/v1/. `waiting` is the dotted path of `f(user, centre) ->
    list[Waiting]`: what waits for the user on the staff home; it checks its own capability and costs
    one query at most (the home is every staff member's first page).

    `household_sections` and `person_sections` are dotted paths of `f(request, household|person) ->
    Section | None`: the module's part of the household's and the person's pages (csc.people), None when
    the reader may not see it. Each costs a constant number of queries, whatever the household holds."""

    app: str
    capabilities: tuple[Capability, ...] = ()
    tiles: tuple[Tile, ...] = ()
    actions: dict[str, str] = field(default_factory=dict)
    urls: str = ""
    url_priority: int = 100
    api_router: str = ""
    tenancy: TenancyFixture | None = None
    personal_data: PersonalData | None = None
    waiting: str = ""
    household_sections: str = ""
    person_sections: str = ""


_declared: dict[str, Module] = {}


def register(module: Module) -> None:
    """Declare (or declare again: ready() runs each time the app registry is populated) a module."""
    _declared[module.app] = module
    clear_cache()


def clear_cache() -> None:
    _installed.cache_clear()
    _grants.cache_clear()
    _labels.cache_clear()


@receiver(setting_changed)
def _installed_apps_changed(*, setting, **kwargs):
    # Leaving override_settings(INSTALLED_APPS=…) restores the app registry without calling ready():
    # what the registry read must be read again.
    if setting == "INSTALLED_APPS":
        clear_cache()


@cache
def _installed() -> tuple[Module, ...]:
    return tuple(_declared[config.name] for config in apps.get_app_configs() if config.name in _declared)


def modules() -> Iterator[Module]:
    """The declared modules of the installed apps, in INSTALLED_APPS order."""
    return iter(_installed())


def capabilities() -> list[Capability]:
    return [capability for module in modules() for capability in module.capabilities]


@cache
def _grants() -> dict[str, frozenset[str]]:
    grants: dict[str, set[str]] = {}
    for capability in capabilities():
        for role in capability.roles:
            grants.setdefault(role, set()).add(capability.code)
    return {role: frozenset(codes) for role, codes in grants.items()}


def capabilities_of(role: str) -> frozenset[str]:
    """The capabilities a role opens: read on every permission check, so computed once."""
    return _grants().get(role, frozenset())


def tiles() -> list[Tile]:
    """Every tile, by theme (Theme.ORDER, unknown themes last) then by order and title."""
    rank = {theme: i for i, theme in enumerate(Theme.ORDER)}
    found = [tile for module in modules() for tile in module.tiles]
    return sorted(found, key=lambda t: (rank.get(t.theme, len(rank)), t.order, t.title))


@cache
def _labels() -> dict[str, str]:
    return {code: str(label) for module in modules() for code, label in module.actions.items()}


def action_label(code: str) -> str:
    """The French label of a journal action; an undeclared code shows as itself (the consistency test
    forbids it, but a journal line must never fail to display)."""
    return _labels().get(code, code)


def action_choices() -> list[tuple[str, str]]:
    """(code, label) of every declared action, sorted by label: the journal's filter."""
    return sorted(_labels().items(), key=lambda item: item[1].lower())


def url_includes() -> list[tuple[str, str]]:
    """(app, URLconf) of every module with pages, by url_priority then INSTALLED_APPS order."""
    ordered = sorted(enumerate(modules()), key=lambda pair: (pair[1].url_priority, pair[0]))
    return [(module.app, module.urls) for _, module in ordered if module.urls]


def api_routers() -> list[str]:
    return [module.api_router for module in modules() if module.api_router]


def tenancy_fixtures() -> list[TenancyFixture]:
    return [module.tenancy for module in modules() if module.tenancy]


def personal_data_hooks() -> list[tuple[Module, PersonalData]]:
    return [(module, module.personal_data) for module in modules() if module.personal_data]


def waiting_hooks() -> list[Callable[..., list[Waiting]]]:
    return [import_string(module.waiting) for module in modules() if module.waiting]


def household_sections(request, household) -> list[Section]:
    """The modules' parts of a household's page, in INSTALLED_APPS order."""
    return _sections("household_sections", request, household)


def person_sections(request, person) -> list[Section]:
    """The modules' parts of a person's page, in INSTALLED_APPS order."""
    return _sections("person_sections", request, person)


def _sections(hook: str, request, obj) -> list[Section]:
    found = (import_string(path)(request, obj) for module in modules() if (path := getattr(module, hook)))
    return [section for section in found if section is not None]


def resolve(dotted_path: str) -> Callable:
    """The hook a declaration names, imported now (never at declaration: see the module docstring)."""
    return import_string(dotted_path)

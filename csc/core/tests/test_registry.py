"""The module registry: what the modules declare is consistent with what their code does, and a module
plugs in (and out) with no line changed outside its own package."""

import ast
import re
import types
from pathlib import Path

import pytest
from django.apps import apps
from django.test import modify_settings, override_settings
from django.urls import NoReverseMatch, reverse

import csc
from csc.core import audit, registry
from csc.core.models import AuditEvent
from csc.core.roles import CENTRE_ROLES, Role
from csc.testing import factories
from csc.testing.tenancy import build_foreign_world

SOURCE = Path(csc.__file__).parent
DEMO_APP = "csc.core.tests.demo_module"


# --- every journal action recorded is declared ---------------------------------------------------------


def _string_constants(trees) -> dict[str, str]:
    """Module-level NAME = "text" of every file: actions are often recorded through such a constant."""
    constants = {}
    for tree in trees:
        for node in tree.body:
            if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant):
                for target in node.targets:
                    if isinstance(target, ast.Name) and isinstance(node.value.value, str):
                        constants[target.id] = node.value.value
    return constants


def recorded_actions(sources: dict[str, str]) -> dict[str, str]:
    """Action codes the code records or looks for, with where: the first argument of `record(…)`
    (audit.record or the function imported alone) and `action=` given to any call but argparse's."""
    trees = {name: ast.parse(text) for name, text in sources.items()}
    constants = _string_constants(trees.values())

    def value(node):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return node.value
        if isinstance(node, ast.Name):
            return constants.get(node.id)
        return None

    found = {}
    for name, tree in trees.items():
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if called == "record" and node.args and value(node.args[0]):
                found[value(node.args[0])] = f"{name}:{node.lineno}"
            if called != "add_argument":
                for keyword in node.keywords:
                    if keyword.arg in ("action", "action__in") and value(keyword.value):
                        found[value(keyword.value)] = f"{name}:{node.lineno}"
    return found


def _project_sources() -> dict[str, str]:
    """The application code (tests post forms with `action=` fields of their own)."""
    return {
        str(path.relative_to(SOURCE)): path.read_text()
        for path in SOURCE.rglob("*.py")
        if "migrations" not in path.parts and "tests" not in path.parts
    }


def test_the_scan_finds_actions_recorded_through_literals_and_constants():
    sources = {
        "a.py": 'from csc.core import audit\naudit.record("x.literal", centre=None)\n',
        "b.py": 'X_DONE = "x.constant"\n\ndef f():\n    record(\n        X_DONE,\n    )\n',
        "c.py": 'AuditEvent.objects.filter(action="x.filtered")\n'
        'parser.add_argument("--f", action="store_true")\n',
    }
    assert set(recorded_actions(sources)) == {"x.literal", "x.constant", "x.filtered"}


@pytest.mark.django_db
def test_every_action_recorded_in_the_code_is_declared_with_a_label():
    found = recorded_actions(_project_sources())
    # The scan sees the modules' actions, whatever way they are written.
    assert {"enrolment.validated", "enrolment.attestation_read", "casework.read", "login", "delete"} <= set(
        found
    )
    labels = dict(registry.action_choices())
    undeclared = {code: where for code, where in found.items() if code not in labels}
    assert not undeclared, f"actions enregistrées sans libellé déclaré (module.py) : {undeclared}"


@pytest.mark.django_db
def test_what_the_main_flows_journal_is_declared(network):
    # The tenancy walker's world goes through every module's services: households, shares, requests
    # validated, attendance, sheets, plannings, helps, case files.
    build_foreign_world(network["b"], factories.CentreFactory(name="Centre Gamma"))
    codes = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"create", "share", "enrolment.validated"} <= codes
    labels = dict(registry.action_choices())
    assert codes <= set(labels), codes - set(labels)


# --- capabilities, tiles, hooks -------------------------------------------------------------------------


def test_every_capability_is_declared_once_granted_to_a_role_and_named_in_french():
    declared = [capability.code for capability in registry.capabilities()]
    assert len(declared) == len(set(declared))
    roles = set(Role.values)
    for capability in registry.capabilities():
        assert capability.roles, f"{capability.code} n'est donné à aucun rôle"
        assert capability.roles <= roles, f"{capability.code} : rôles inconnus {capability.roles - roles}"
        assert str(capability.label)


def test_every_capability_constant_of_an_app_is_declared():
    declared = {capability.code for capability in registry.capabilities()}
    for path in SOURCE.glob("*/capabilities.py"):
        constants = _string_constants([ast.parse(path.read_text())])
        assert constants and set(constants.values()) <= declared, path


def test_every_role_grant_is_a_declared_capability():
    declared = {capability.code for capability in registry.capabilities()}
    for role in Role.values:
        assert registry.capabilities_of(role) <= declared
    # Every staff role of a centre opens something, and the reception desk what it did before.
    assert registry.capabilities_of(Role.RECEPTION) >= {"people.edit", "enrolment.process", "kiosk.help_log"}
    assert "casework.follow" not in registry.capabilities_of(Role.DIRECTOR)


@pytest.mark.django_db
def test_every_tile_opens_a_page_under_a_declared_capability_and_theme():
    declared = {capability.code for capability in registry.capabilities()}
    tiles = registry.tiles()
    assert len(tiles) >= 20
    for tile in tiles:
        reverse(tile.url_name)
        assert tile.capability in declared, tile
        assert tile.theme in registry.Theme.ORDER, tile
        for link in tile.links:
            reverse(link.url_name)
            assert link.capability in declared, link
    themes = [tile.theme for tile in tiles]
    assert themes == sorted(themes, key=registry.Theme.ORDER.index)


def test_every_declared_hook_can_be_imported():
    for module in registry.modules():
        if module.urls:
            __import__(module.urls)
        for path in (module.api_router, module.waiting, module.household_sections, module.person_sections):
            if path:
                registry.resolve(path)
        if module.tenancy:
            registry.resolve(module.tenancy.plant)
            if module.tenancy.snapshot:
                registry.resolve(module.tenancy.snapshot)
        hooks = module.personal_data
        if hooks:
            for path in (hooks.section, hooks.hidden_events, hooks.forget):
                if path:
                    registry.resolve(path)
            assert hooks.generic or (hooks.section and hooks.title and hooks.forget), module.app


def test_every_app_holding_personal_data_says_how_it_is_exported_and_erased():
    person, household = apps.get_model("people", "Person"), apps.get_model("people", "Household")
    declared = {module.app for module in registry.modules() if module.personal_data}
    for config in apps.get_app_configs():
        if not config.name.startswith("csc."):
            continue
        for model in config.get_models():
            linked = [
                field.name
                for field in model._meta.get_fields()
                if field.is_relation and field.concrete and field.related_model in (person, household)
            ]
            assert not linked or config.name in declared, (
                f"{model._meta.label} ({', '.join(linked)}) : déclarez PersonalData dans "
                f"{config.name}.module (une section et un oubli, ou pourquoi l'export générique suffit)"
            )


def test_the_busiest_public_pages_are_resolved_first():
    assert registry.url_includes()[0] == ("csc.kiosk", "csc.kiosk.urls")


# --- the journal ---------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_journal_labels_and_filters_the_actions_of_the_modules(client, director_a, centre_a):
    for action in ("enrolment.validated", "enrolment.export", "enrolment.attestation_read", "login"):
        audit.record(action, centre=centre_a, actor=director_a)
    client.force_login(director_a)
    page = client.get(reverse("core:journal")).content.decode()
    assert "Demande en ligne validée" in page and "Lecture d&#x27;une attestation de quotient" in page
    assert "enrolment.validated" not in page.split("<tbody>")[1]
    filtered = client.get(reverse("core:journal"), {"action": "enrolment.validated"})
    assert [event.action for event in filtered.context["page"].object_list] == ["enrolment.validated"]


@pytest.mark.django_db
def test_an_undeclared_action_still_shows_as_its_code(centre_a):
    event = audit.record("nobody.declared_this", centre=centre_a)
    assert event.get_action_display() == "nobody.declared_this"


# --- a module plugs in without editing core -------------------------------------------------------------


def _urlconf():
    """The site's URLconf built again from the registry, with an API of its own (a NinjaAPI takes no
    router once its URLs are made)."""
    from csc.api import build_api
    from csc.urls import build_urlpatterns

    urlconf = types.ModuleType("csc_urls_with_demo")
    urlconf.urlpatterns = build_urlpatterns(build_api())
    return urlconf


@pytest.mark.django_db
def test_a_module_plugs_in_with_one_line_in_installed_apps(client, staff, centre_a, otp_verified):
    reception = staff("reception")
    director = staff("director")
    with modify_settings(INSTALLED_APPS={"append": DEMO_APP}), override_settings(ROOT_URLCONF=_urlconf()):
        assert "demo_module.view" in registry.capabilities_of(Role.RECEPTION)
        client.force_login(reception)
        home = client.get(reverse("core:staff_home")).content.decode()
        assert "Module de démonstration" in home and reverse("demo_module:home") in home
        page = client.get(reverse("demo_module:home"))
        assert page.content.decode() == "Le module de démonstration répond."
        answer = client.get("/api/v1/demonstration")
        assert answer.status_code == 200 and answer.json() == {"branché": True, "ouvert": True}
        client.force_login(director)
        assert "Module de démonstration" not in client.get(reverse("core:staff_home")).content.decode()
        assert client.get(reverse("demo_module:home")).status_code == 404  # not granted to directors
        journal = client.get(reverse("core:journal"), {"action": "demo_module.done"})
        labels = [event.get_action_display() for event in journal.context["page"].object_list]
        assert labels == ["Démonstration faite"]

    # Uninstalled, nothing of it is left.
    assert "demo_module.view" not in registry.capabilities_of(Role.RECEPTION)
    assert DEMO_APP not in [module.app for module in registry.modules()]
    with pytest.raises(NoReverseMatch):
        reverse("demo_module:home")
    client.force_login(reception)
    assert "Module de démonstration" not in client.get(reverse("core:staff_home")).content.decode()
    assert client.get("/demonstration/").status_code == 404
    assert client.get("/api/v1/demonstration").status_code == 404
    assert AuditEvent.objects.get(action="demo_module.done").get_action_display() == "demo_module.done"


@pytest.mark.django_db
def test_a_module_shows_its_part_on_the_household_and_person_pages(client, staff, centre_a, otp_verified):
    from csc.testing.factories import HouseholdMemberFactory

    member = HouseholdMemberFactory(household__centre=centre_a)
    household_page = reverse("people:household_detail", args=[member.household_id])
    person_page = reverse("people:person_detail", args=[member.person_id])
    shown = "Le module de démonstration montre sa partie"
    with modify_settings(INSTALLED_APPS={"append": DEMO_APP}), override_settings(ROOT_URLCONF=_urlconf()):
        client.force_login(staff("reception"))
        page = client.get(household_page)
        titles = [section.title for section in page.context["sections"]]
        assert titles[-1] == "Démonstration"  # INSTALLED_APPS order: the demo app comes last
        assert f"{shown} : foyer n° {member.household_id}." in page.content.decode()
        assert f"{shown} : personne n° {member.person_id}." in client.get(person_page).content.decode()
        client.force_login(staff("director"))  # the hook said None: nothing of it on the page
        assert shown not in client.get(household_page).content.decode()
    client.force_login(staff("reception", user__email="autre@example.org"))
    assert shown not in client.get(household_page).content.decode()
    assert "Démonstration" not in [s.title for s in client.get(person_page).context["sections"]]


# --- the staff home and the menu ----------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("role", [role.value for role in CENTRE_ROLES])
def test_every_link_of_the_staff_home_opens_for_whom_it_is_shown(client, staff, centre_a, otp_verified, role):
    client.force_login(staff(role))
    home = client.get(reverse("core:staff_home")).content.decode()
    main = home.split('id="contenu"')[1]
    links = set(re.findall(r'<a class="card__link" href="([^"]+)"', main))
    for sub_links in re.findall(r'<ul class="tile-links">(.*?)</ul>', main, re.S):
        links |= set(re.findall(r'href="([^"]+)"', sub_links))
    assert links
    refused = {link: client.get(link).status_code for link in links}
    assert all(status == 200 for status in refused.values()), refused
    # The menu holds the same modules, grouped under the same themes, in the same order.
    nav = home.split('aria-label="Menu principal"')[1].split("</nav>")[0]
    themes = re.findall(r'<p class="nav-group__title"[^>]*>([^<]+)</p>', nav)
    assert themes == re.findall(r"<h3>([^<]+)</h3>", main)
    assert themes == sorted(themes, key=registry.Theme.ORDER.index)

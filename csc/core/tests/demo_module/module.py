from csc.core.registry import Capability, Module, Theme, Tile
from csc.core.roles import Role

DEMO_VIEW = "demo_module.view"
DEMO_DONE = "demo_module.done"

MODULE = Module(
    app="csc.core.tests.demo_module",
    capabilities=(Capability(DEMO_VIEW, "Ouvrir le module de démonstration", frozenset({Role.RECEPTION})),),
    tiles=(
        Tile(
            "Module de démonstration",
            "Une page qui prouve que le module est branché.",
            "demo_module:home",
            DEMO_VIEW,
            Theme.RECEPTION,
            90,
        ),
    ),
    actions={DEMO_DONE: "Démonstration faite"},
    urls="csc.core.tests.demo_module.urls",
    api_router="csc.core.tests.demo_module.api.router",
    household_sections="csc.core.tests.demo_module.sections.household",
    person_sections="csc.core.tests.demo_module.sections.person",
)

"""What animation brings: activity sheets, plannings and the pedagogical project."""

from django.utils.translation import gettext_lazy as _

from csc.core.registry import Capability, Module, TenancyFixture, Theme, Tile
from csc.core.roles import Role

from .capabilities import ANIMATION_PLANNINGS, ANIMATION_SHEETS, PEDAGOGICAL_PROJECT

_MANAGERS = {Role.DIRECTOR, Role.COORDINATOR}
_RUNNERS = _MANAGERS | {Role.ANIMATOR, Role.DIGITAL_MEDIATOR}

MODULE = Module(
    app="csc.animation",
    capabilities=(
        Capability(
            ANIMATION_SHEETS,
            _("Écrire, partager, copier et commenter des fiches d'activité ; lire le projet pédagogique"),
            frozenset(_RUNNERS),
        ),
        Capability(
            ANIMATION_PLANNINGS, _("Construire et publier les plannings d'activités"), frozenset(_RUNNERS)
        ),
        Capability(PEDAGOGICAL_PROJECT, _("Écrire le projet pédagogique du centre"), frozenset(_MANAGERS)),
    ),
    tiles=(
        Tile(
            "Fiches d'activité",
            "Trouver, écrire et partager des fiches d'activité avec tout le réseau.",
            "animation:sheet_list",
            ANIMATION_SHEETS,
            Theme.ANIMATION,
            10,
        ),
        Tile(
            "Plannings d'activités",
            "Placer les activités par groupe, jour et moment ; publier pour les parents et pour l'appel.",
            "animation:planning_list",
            ANIMATION_PLANNINGS,
            Theme.ANIMATION,
            20,
        ),
        Tile(
            "Projet pédagogique",
            "Les objectifs du centre et de ses accueils de loisirs, que servent fiches et plannings.",
            "animation:project",
            PEDAGOGICAL_PROJECT,
            Theme.ANIMATION,
            30,
        ),
    ),
    urls="csc.animation.urls",
    api_router="csc.animation.api.router",
    tenancy=TenancyFixture(
        plant="csc.animation.testing.plant_foreign", snapshot="csc.animation.testing.snapshot"
    ),
)

"""What social follow-up brings: case files, tasks, figures and their settings."""

from django.utils.translation import gettext_lazy as _

from csc.core.registry import Capability, Module, PersonalData, TenancyFixture, Theme, Tile
from csc.core.roles import Role

from .actions import CASE_READ, CASE_REFUSED
from .capabilities import CASEWORK_CONFIGURE, CASEWORK_FIGURES, CASEWORK_FOLLOW

# Social workers open case files (which requires TOTP: CSC_OTP_REQUIRED_ROLES). Managers set the scopes
# and read anonymous figures, not the files: a director sees who opened a file in the journal, not its
# content, unless the centre also gives them the social worker's role.
_MANAGERS = {Role.DIRECTOR, Role.COORDINATOR}

MODULE = Module(
    app="csc.casework",
    capabilities=(
        Capability(
            CASEWORK_FOLLOW,
            _(
                "Accompagner des personnes : ouvrir et lire les parcours de ses cercles, "
                "noter échanges et tâches"
            ),
            frozenset({Role.SOCIAL_WORKER}),
        ),
        Capability(
            CASEWORK_CONFIGURE,
            _("Régler l'accompagnement du centre : cercles et leurs intervenants, problématiques, modèles"),
            frozenset(_MANAGERS),
        ),
        Capability(
            CASEWORK_FIGURES,
            _("Lire les statistiques anonymes de l'accompagnement social"),
            frozenset(_MANAGERS | {Role.SOCIAL_WORKER, Role.TERRITORY_COORDINATOR, Role.FEDERATION}),
        ),
    ),
    tiles=(
        Tile(
            "Accompagnement social",
            "Les dossiers des personnes que vous accompagnez : parcours, échanges, tâches.",
            "casework:home",
            CASEWORK_FOLLOW,
            Theme.CASEWORK,
            10,
        ),
        Tile(
            "Mes tâches",
            "Ce que l'on vous a confié dans les parcours d'accompagnement, et ce qui est en retard.",
            "casework:my_tasks",
            CASEWORK_FOLLOW,
            Theme.CASEWORK,
            20,
        ),
        Tile(
            "Réglages de l'accompagnement",
            "Cercles et intervenants, problématiques, rubriques de la situation, modèles de courriers.",
            "casework:settings",
            CASEWORK_CONFIGURE,
            Theme.CASEWORK,
            30,
        ),
        Tile(
            "Chiffres de l'accompagnement",
            "Personnes suivies, parcours, échanges et heures, sans nom ; tableau croisé, rapport d'activité.",
            "casework:stats",
            CASEWORK_FIGURES,
            Theme.STEERING,
            20,
        ),
    ),
    actions={
        CASE_READ: _("Lecture d'un dossier d'accompagnement"),
        CASE_REFUSED: _("Accès refusé à un dossier d'accompagnement"),
    },
    urls="csc.casework.urls",
    waiting="csc.casework.waiting.waiting",
    tenancy=TenancyFixture(
        plant="csc.casework.testing.plant_foreign", snapshot="csc.casework.testing.snapshot"
    ),
    # Its records never go to « Autres données »: its own section, for the actors allowed to read it.
    personal_data=PersonalData(
        title="Accompagnement social",
        section="csc.casework.personal_data.section",
        hidden_events="csc.casework.personal_data.casework_event_filter",
        forget="csc.casework.retention.forget_person",
    ),
)

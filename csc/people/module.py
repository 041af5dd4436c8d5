"""What people and households bring: the base every module stands on."""

from django.utils.translation import gettext_lazy as _

from csc.core.registry import Capability, Module, PersonalData, Theme, Tile
from csc.core.roles import Role

from .capabilities import PEOPLE_EDIT, PEOPLE_RIGHTS, PEOPLE_VIEW

# Who receives and helps people edits them; those who run activities read them.
_EDITORS = {Role.DIRECTOR, Role.COORDINATOR, Role.RECEPTION, Role.SOCIAL_WORKER}
_READERS = _EDITORS | {Role.ANIMATOR, Role.DIGITAL_MEDIATOR}

MODULE = Module(
    app="csc.people",
    capabilities=(
        Capability(PEOPLE_VIEW, _("Consulter les personnes et les foyers"), frozenset(_READERS)),
        Capability(PEOPLE_EDIT, _("Créer et modifier les personnes et les foyers"), frozenset(_EDITORS)),
        Capability(
            PEOPLE_RIGHTS,
            _("Exporter, anonymiser et supprimer les données d'une personne"),
            frozenset({Role.DIRECTOR, Role.COORDINATOR}),
        ),
    ),
    tiles=(
        Tile(
            "Personnes et foyers",
            "Rechercher une personne, créer ou modifier un foyer.",
            "people:search",
            PEOPLE_VIEW,
            Theme.RECEPTION,
            10,
        ),
        Tile(
            "Foyers",
            "La liste des foyers du centre.",
            "people:household_list",
            PEOPLE_VIEW,
            Theme.RECEPTION,
            20,
        ),
    ),
    actions={
        "merge": _("Fusion de doublons"),
        "personal_data_export": _("Export des données d'une personne"),
        "share": _("Partage avec un autre centre"),
        "people.membership_taken": _("Adhésion prise à l'accueil"),
        "people.membership_cancelled": _("Adhésion annulée"),
    },
    urls="csc.people.urls",
    household_sections="csc.people.sections.household_memberships",
    person_sections="csc.people.sections.person_memberships",
    api_router="csc.people.api.router",
    personal_data=PersonalData(
        generic="people's own records are the export's core (csc.people.services.personal_data) and are "
        "what anonymisation and erasure change."
    ),
)

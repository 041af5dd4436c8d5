"""What activities bring: seasons, activities and tariffs, sessions and attendance, reports."""

from django.utils.translation import gettext_lazy as _

from csc.core.registry import Capability, Module, PersonalData, TenancyFixture, Theme, Tile
from csc.core.roles import Role

from .capabilities import (
    ACTIVITIES_CONFIGURE,
    ACTIVITIES_REGISTER,
    ACTIVITIES_VIEW,
    ATTENDANCE_IMPORT,
    ATTENDANCE_TAKE,
    REPORTS_VIEW,
    SESSIONS_MANAGE,
)

_MANAGERS = {Role.DIRECTOR, Role.COORDINATOR}
# Those who run activities programme their sessions and say who takes part.
_RUNNERS = _MANAGERS | {Role.ANIMATOR, Role.DIGITAL_MEDIATOR}

MODULE = Module(
    app="csc.activities",
    capabilities=(
        Capability(
            ACTIVITIES_VIEW,
            _("Consulter les activités, les périodes et les inscrits"),
            frozenset(_RUNNERS | {Role.RECEPTION, Role.SOCIAL_WORKER}),
        ),
        Capability(
            ACTIVITIES_CONFIGURE,
            _("Régler saisons, activités, groupes, périodes et tarifs"),
            frozenset(_MANAGERS),
        ),
        Capability(
            ATTENDANCE_TAKE,
            _("Faire l'appel et saisir les présences"),
            frozenset(_RUNNERS | {Role.RECEPTION}),
        ),
        Capability(
            SESSIONS_MANAGE,
            _("Programmer, déplacer et annuler les séances, inscrire des participants"),
            frozenset(_RUNNERS),
        ),
        Capability(
            ACTIVITIES_REGISTER,
            _("Inscrire un enfant à l'accueil et annuler une inscription"),
            frozenset(_MANAGERS | {Role.RECEPTION}),
        ),
        Capability(ATTENDANCE_IMPORT, _("Importer des présences passées"), frozenset(_MANAGERS)),
        Capability(
            REPORTS_VIEW,
            _("Consulter les bilans de fréquentation"),
            # Above centres the figures come as anonymous counts: reports show no names.
            frozenset(_MANAGERS | {Role.TERRITORY_COORDINATOR, Role.FEDERATION}),
        ),
    ),
    tiles=(
        Tile(
            "Présences",
            "Les séances du jour : faire l'appel, compter, ajouter une personne venue.",
            "activities:attendance_today",
            ATTENDANCE_TAKE,
            Theme.ACTIVITIES,
            10,
        ),
        Tile(
            "Programmer les séances",
            "Séances chaque semaine ou une à une, participants, fermetures du centre.",
            "activities:programme",
            SESSIONS_MANAGE,
            Theme.ACTIVITIES,
            20,
        ),
        Tile(
            "Inscriptions",
            "Les inscrits par période et par groupe : jours réservés, montants dus, foyers.",
            "activities:registration_index",
            ACTIVITIES_VIEW,
            Theme.ACTIVITIES,
            25,
        ),
        Tile(
            "Activités et tarifs",
            "Créer les activités ; saisons, accueils de loisirs, périodes, places et grilles tarifaires.",
            "activities:activity_list",
            ACTIVITIES_CONFIGURE,
            Theme.ACTIVITIES,
            30,
        ),
        Tile(
            "Import de présences",
            "Reprendre les présences passées d'un tableur (CSV ou Excel).",
            "activities:import_start",
            ATTENDANCE_IMPORT,
            Theme.ACTIVITIES,
            50,
        ),
        Tile(
            "Bilans de fréquentation",
            "Séances, présences, heures réalisées et typologie des publics, par mois ou par période.",
            "activities:report",
            REPORTS_VIEW,
            Theme.STEERING,
            10,
        ),
    ),
    actions={
        "attendance_correction": _("Correction de présence après la séance"),
        "activities.registered_at_desk": _("Inscription à l'accueil"),
        "activities.registration_cancelled": _("Inscription annulée"),
    },
    urls="csc.activities.urls",
    household_sections="csc.activities.sections.household_registrations_section",
    person_sections="csc.activities.sections.person_registrations_section",
    waiting="csc.activities.waiting.waiting",
    api_router="csc.activities.api.router",
    tenancy=TenancyFixture(
        plant="csc.activities.testing.plant_foreign", snapshot="csc.activities.testing.snapshot"
    ),
    personal_data=PersonalData(
        generic="registrations, participants and attendance are listed in « Autres données » through the "
        "person's reverse relations; anonymisation keeps them on purpose (the reports count them), and a "
        "person with registrations is not erased (PROTECT) until they are settled."
    ),
)

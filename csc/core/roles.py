"""Staff roles and what each one opens.

A role is held on a centre, on a territory (territory coordinator) or on the whole network (federation).
Capabilities are coarse on purpose: a reception officer and a director must be able to tell, reading
this file, who can do what. Modules of later issues add their capabilities here.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    DIRECTOR = "director", _("Directeur ou directrice")
    COORDINATOR = "coordinator", _("Coordinateur ou coordinatrice")
    RECEPTION = "reception", _("Chargé(e) d'accueil")
    ANIMATOR = "animator", _("Animateur ou animatrice")
    SOCIAL_WORKER = "social_worker", _("Travailleur ou travailleuse social(e)")
    DIGITAL_MEDIATOR = "digital_mediator", _("Médiateur ou médiatrice numérique")
    KIOSK_REFERENT = "kiosk_referent", _("Référent(e) borne")
    VOLUNTEER = "volunteer", _("Bénévole")
    TERRITORY_COORDINATOR = "territory_coordinator", _("Coordination de territoire")
    FEDERATION = "federation", _("Fédération")


CENTRE_ROLES = [
    Role.DIRECTOR,
    Role.COORDINATOR,
    Role.RECEPTION,
    Role.ANIMATOR,
    Role.SOCIAL_WORKER,
    Role.DIGITAL_MEDIATOR,
    Role.KIOSK_REFERENT,
    Role.VOLUNTEER,
]


class Capability(models.TextChoices):
    PEOPLE_VIEW = "people.view", _("Consulter les personnes et les foyers")
    PEOPLE_EDIT = "people.edit", _("Créer et modifier les personnes et les foyers")
    PEOPLE_RIGHTS = "people.rights", _("Exporter, anonymiser et supprimer les données d'une personne")
    STAFF_MANAGE = "staff.manage", _("Gérer l'équipe du centre")
    AUDIT_VIEW = "audit.view", _("Lire le journal du centre")
    CENTRE_SETTINGS = "centre.settings", _("Régler le centre (durée de conservation…)")
    ACTIVITIES_VIEW = "activities.view", _("Consulter les activités, les périodes et les inscrits")
    ACTIVITIES_CONFIGURE = "activities.configure", _("Régler saisons, activités, groupes, périodes et tarifs")
    ENROLMENT_PROCESS = "enrolment.process", _("Traiter les demandes d'adhésion et d'inscription en ligne")
    ATTENDANCE_TAKE = "attendance.take", _("Faire l'appel et saisir les présences")
    SESSIONS_MANAGE = (
        "sessions.manage",
        _("Programmer, déplacer et annuler les séances, inscrire des participants"),
    )
    ATTENDANCE_IMPORT = "attendance.import", _("Importer des présences passées")
    REPORTS_VIEW = "reports.view", _("Consulter les bilans de fréquentation")
    ANIMATION_SHEETS = (
        "animation.sheets",
        _("Écrire, partager, copier et commenter des fiches d'activité ; lire le projet pédagogique"),
    )
    ANIMATION_PLANNINGS = "animation.plannings", _("Construire et publier les plannings d'activités")
    PEDAGOGICAL_PROJECT = "animation.project", _("Écrire le projet pédagogique du centre")
    DIRECTORY_VIEW = "directory.view", _("Consulter l'annuaire des structures du réseau")
    DIRECTORY_EDIT = "directory.edit", _("Compléter l'annuaire des structures (adresses, horaires, services)")
    KIOSK_CONFIGURE = (
        "kiosk.configure",
        _("Régler la borne du centre (démarches, liens locaux, accueil) et écrire les fiches d'aide"),
    )
    KIOSK_HELP_LOG = "kiosk.help_log", _("Noter les aides aux démarches en ligne données à l'accueil")
    KIOSK_FIGURES = "kiosk.figures", _("Lire les statistiques de la borne et le rapport CAF des aides")
    CASEWORK_FOLLOW = (
        "casework.follow",
        _("Accompagner des personnes : ouvrir et lire les parcours de ses cercles, noter échanges et tâches"),
    )
    CASEWORK_CONFIGURE = (
        "casework.configure",
        _("Régler l'accompagnement du centre : cercles et leurs intervenants, problématiques, modèles"),
    )
    CASEWORK_FIGURES = "casework.figures", _("Lire les statistiques anonymes de l'accompagnement social")


_PEOPLE_READERS = {Capability.PEOPLE_VIEW, Capability.ACTIVITIES_VIEW}
_PEOPLE_EDITORS = {Capability.PEOPLE_VIEW, Capability.PEOPLE_EDIT, Capability.ACTIVITIES_VIEW}
_ENROLMENT = {Capability.ENROLMENT_PROCESS}
_CONFIGURE = {Capability.ACTIVITIES_CONFIGURE}
_ATTENDANCE = {Capability.ATTENDANCE_TAKE}
# Those who run activities programme their sessions and say who takes part.
_ANIMATION = _ATTENDANCE | {
    Capability.SESSIONS_MANAGE,
    Capability.ANIMATION_SHEETS,
    Capability.ANIMATION_PLANNINGS,
}
_PROJECT = {Capability.PEDAGOGICAL_PROJECT}
_FIGURES = {Capability.REPORTS_VIEW, Capability.ATTENDANCE_IMPORT}
_MANAGERS = {
    Capability.ACTIVITIES_VIEW,
    Capability.PEOPLE_VIEW,
    Capability.PEOPLE_EDIT,
    Capability.PEOPLE_RIGHTS,
    Capability.STAFF_MANAGE,
    Capability.AUDIT_VIEW,
    Capability.CENTRE_SETTINGS,
}

# Everybody in a centre may point a resident to the right place; those who receive and help people
# keep the directory up to date.
_DIRECTORY_READERS = {Capability.DIRECTORY_VIEW}
_DIRECTORY = {Capability.DIRECTORY_VIEW, Capability.DIRECTORY_EDIT}
# Whoever helps a resident with an online procedure notes it; the kiosk's referent and the managers set
# the kiosk up and read its figures.
_HELP_LOG = {Capability.KIOSK_HELP_LOG}
_KIOSK = {Capability.KIOSK_CONFIGURE, Capability.KIOSK_HELP_LOG, Capability.KIOSK_FIGURES}
# Social workers open case files (which requires TOTP: CSC_OTP_REQUIRED_ROLES). Managers set the scopes
# and read anonymous figures, not the files: a director sees who opened a file in the journal, not its
# content, unless the centre also gives them the social worker's role.
_CASEWORK = {Capability.CASEWORK_FOLLOW, Capability.CASEWORK_FIGURES}
_CASEWORK_MANAGERS = {Capability.CASEWORK_CONFIGURE, Capability.CASEWORK_FIGURES}

ROLE_CAPABILITIES: dict[str, set[str]] = {
    Role.DIRECTOR: _MANAGERS
    | _CONFIGURE
    | _ENROLMENT
    | _ANIMATION
    | _PROJECT
    | _FIGURES
    | _DIRECTORY
    | _KIOSK
    | _CASEWORK_MANAGERS,
    Role.COORDINATOR: _PEOPLE_EDITORS
    | {Capability.PEOPLE_RIGHTS}
    | _CONFIGURE
    | _ENROLMENT
    | _ANIMATION
    | _PROJECT
    | _FIGURES
    | _DIRECTORY
    | _KIOSK
    | _CASEWORK_MANAGERS,
    Role.RECEPTION: _PEOPLE_EDITORS | _ENROLMENT | _ATTENDANCE | _DIRECTORY | _HELP_LOG,
    Role.SOCIAL_WORKER: _PEOPLE_EDITORS | _DIRECTORY | _HELP_LOG | _CASEWORK,
    Role.ANIMATOR: _PEOPLE_READERS | _ANIMATION | _DIRECTORY_READERS,
    Role.DIGITAL_MEDIATOR: _PEOPLE_READERS | _ANIMATION | _DIRECTORY | _KIOSK,
    Role.KIOSK_REFERENT: _DIRECTORY | _KIOSK,
    Role.VOLUNTEER: _DIRECTORY_READERS | _HELP_LOG,
    # Above centres: figures and oversight, not the day-to-day files of people.
    # Their figures come as anonymous counts: reports show no names.
    Role.TERRITORY_COORDINATOR: {
        Capability.AUDIT_VIEW,
        Capability.REPORTS_VIEW,
        Capability.KIOSK_FIGURES,
        Capability.CASEWORK_FIGURES,
    },
    Role.FEDERATION: {
        Capability.AUDIT_VIEW,
        Capability.REPORTS_VIEW,
        Capability.KIOSK_FIGURES,
        Capability.CASEWORK_FIGURES,
    },
}


def capabilities_of(role: str) -> set[str]:
    return ROLE_CAPABILITIES.get(role, set())

"""The modules a staff member's roles open, as tiles on the staff home.

Each app adds its entries to MODULES; the home shows those whose capability the user holds in the
current centre.
"""

from dataclasses import dataclass

from .roles import Capability
from .tenancy import has_capability


@dataclass(frozen=True)
class Module:
    title: str
    description: str
    url_name: str
    capability: str


MODULES: list[Module] = [
    Module(
        "Personnes et foyers",
        "Rechercher une personne, créer ou modifier un foyer.",
        "people:search",
        Capability.PEOPLE_VIEW,
    ),
    Module("Foyers", "La liste des foyers du centre.", "people:household_list", Capability.PEOPLE_VIEW),
    Module(
        "Présences",
        "Les séances du jour : faire l'appel, compter, ajouter une personne venue.",
        "activities:attendance_today",
        Capability.ATTENDANCE_TAKE,
    ),
    Module(
        "Programmer les séances",
        "Séances chaque semaine ou une à une, participants, fermetures du centre.",
        "activities:programme",
        Capability.SESSIONS_MANAGE,
    ),
    Module(
        "Bilans de fréquentation",
        "Séances, présences, heures réalisées et typologie des publics, par mois ou par période.",
        "activities:report",
        Capability.REPORTS_VIEW,
    ),
    Module(
        "Import de présences",
        "Reprendre les présences passées d'un tableur (CSV ou Excel).",
        "activities:import_start",
        Capability.ATTENDANCE_IMPORT,
    ),
    Module(
        "Fiches d'activité",
        "Trouver, écrire et partager des fiches d'activité avec tout le réseau.",
        "animation:sheet_list",
        Capability.ANIMATION_SHEETS,
    ),
    Module(
        "Plannings d'activités",
        "Placer les activités par groupe, jour et moment ; publier pour les parents et pour l'appel.",
        "animation:planning_list",
        Capability.ANIMATION_PLANNINGS,
    ),
    Module(
        "Projet pédagogique",
        "Les objectifs du centre et de ses accueils de loisirs, que servent fiches et plannings.",
        "animation:project",
        Capability.PEDAGOGICAL_PROJECT,
    ),
    Module(
        "Annuaire des structures",
        "France Services, CCAS, médiathèques, centres du réseau : adresses, horaires, services.",
        "directory:structure_list",
        Capability.DIRECTORY_VIEW,
    ),
    Module(
        "Aides aux démarches en ligne",
        "Noter en quelques clics une démarche faite avec une personne ; le rapport CAF du mois.",
        "kiosk:help_log",
        Capability.KIOSK_HELP_LOG,
    ),
    Module(
        "Ma borne",
        "Les démarches de la borne du hall, les liens locaux, l'accueil, l'aperçu.",
        "kiosk:settings",
        Capability.KIOSK_CONFIGURE,
    ),
    Module(
        "Statistiques de la borne",
        "Visites, clics par démarche, recherches sans résultat ; aujourd'hui et par mois.",
        "kiosk:statistics",
        Capability.KIOSK_FIGURES,
    ),
    Module(
        "Fiches d'aide aux démarches",
        "Les fiches de la borne : quoi apporter, quels identifiants, les étapes. Partagées dans le réseau.",
        "kiosk:sheet_list",
        Capability.KIOSK_CONFIGURE,
    ),
    Module(
        "Demandes en ligne",
        "Pré-adhésions et pré-inscriptions des familles : valider, refuser, liste d'attente.",
        "enrolment:inbox",
        Capability.ENROLMENT_PROCESS,
    ),
    Module(
        "Textes des e-mails aux familles",
        "Les messages envoyés à chaque étape d'une demande en ligne.",
        "enrolment:status_messages",
        Capability.ACTIVITIES_CONFIGURE,
    ),
    Module(
        "Équipe du centre",
        "Inviter un membre de l'équipe, changer un rôle.",
        "core:staff_list",
        Capability.STAFF_MANAGE,
    ),
    Module(
        "Accompagnement social",
        "Les dossiers des personnes que vous accompagnez : parcours, échanges, tâches.",
        "casework:home",
        Capability.CASEWORK_FOLLOW,
    ),
    Module(
        "Mes tâches",
        "Ce que l'on vous a confié dans les parcours d'accompagnement, et ce qui est en retard.",
        "casework:my_tasks",
        Capability.CASEWORK_FOLLOW,
    ),
    Module(
        "Chiffres de l'accompagnement",
        "Personnes suivies, parcours, échanges et heures, sans nom ; tableau croisé, rapport d'activité.",
        "casework:stats",
        Capability.CASEWORK_FIGURES,
    ),
    Module(
        "Réglages de l'accompagnement",
        "Cercles et intervenants, problématiques, rubriques de la situation, modèles de courriers.",
        "casework:settings",
        Capability.CASEWORK_CONFIGURE,
    ),
    Module("Journal", "Qui a fait quoi, et quand.", "core:journal", Capability.AUDIT_VIEW),
    Module(
        "Réglages du centre",
        "Durée de conservation des données.",
        "core:centre_settings",
        Capability.CENTRE_SETTINGS,
    ),
    Module(
        "Activités et tarifs",
        "Créer les activités ; saisons, accueils de loisirs, périodes, places et grilles tarifaires.",
        "activities:activity_list",
        Capability.ACTIVITIES_CONFIGURE,
    ),
]


def modules_for(user, centre) -> list[Module]:
    if centre is None:
        return []
    return [m for m in MODULES if has_capability(user, m.capability, centre)]

"""What the e-administration kiosk brings: the hall's kiosk, help sheets, the help log and its figures."""

from django.utils.translation import gettext_lazy as _

from csc.core.registry import Capability, Module, PersonalData, SubLink, TenancyFixture, Theme, Tile
from csc.core.roles import Role

from .capabilities import KIOSK_CONFIGURE, KIOSK_FIGURES, KIOSK_HELP_LOG

# The kiosk's referent and the managers set the kiosk up and read its figures.
_KIOSK = {Role.DIRECTOR, Role.COORDINATOR, Role.DIGITAL_MEDIATOR, Role.KIOSK_REFERENT}

MODULE = Module(
    app="csc.kiosk",
    capabilities=(
        Capability(
            KIOSK_CONFIGURE,
            _("Régler la borne du centre (démarches, liens locaux, accueil) et écrire les fiches d'aide"),
            frozenset(_KIOSK),
        ),
        Capability(
            KIOSK_HELP_LOG,
            _("Noter les aides aux démarches en ligne données à l'accueil"),
            # Whoever helps a resident with an online procedure notes it.
            frozenset(_KIOSK | {Role.RECEPTION, Role.SOCIAL_WORKER, Role.VOLUNTEER}),
        ),
        Capability(
            KIOSK_FIGURES,
            _("Lire les statistiques de la borne et le rapport CAF des aides"),
            frozenset(_KIOSK | {Role.TERRITORY_COORDINATOR, Role.FEDERATION}),
        ),
    ),
    tiles=(
        Tile(
            "Aides aux démarches en ligne",
            # The CAF report is KIOSK_FIGURES': promised only through its own link, to whom may open it.
            "Noter en quelques clics une démarche faite avec une personne.",
            "kiosk:help_log",
            KIOSK_HELP_LOG,
            Theme.KIOSK,
            10,
            links=(SubLink("Le rapport CAF du mois", "kiosk:caf_report", KIOSK_FIGURES),),
        ),
        Tile(
            "Ma borne",
            "Les démarches de la borne du hall, les liens locaux, l'accueil, l'aperçu.",
            "kiosk:settings",
            KIOSK_CONFIGURE,
            Theme.KIOSK,
            20,
        ),
        Tile(
            "Fiches d'aide aux démarches",
            "Les fiches de la borne : quoi apporter, quels identifiants, les étapes. "
            "Partagées dans le réseau.",
            "kiosk:sheet_list",
            KIOSK_CONFIGURE,
            Theme.KIOSK,
            30,
        ),
        Tile(
            "Statistiques de la borne",
            "Visites, clics par démarche, recherches sans résultat ; aujourd'hui et par mois.",
            "kiosk:statistics",
            KIOSK_FIGURES,
            Theme.KIOSK,
            40,
        ),
    ),
    actions={"kiosk.synonym_added": _("Mot ajouté à une démarche de la borne")},
    urls="csc.kiosk.urls",
    # First: the kiosk's public pages are the busiest (see csc/kiosk/urls.py).
    url_priority=10,
    tenancy=TenancyFixture(plant="csc.kiosk.testing.plant_foreign", snapshot="csc.kiosk.testing.snapshot"),
    personal_data=PersonalData(
        generic="a help given to a person who agreed to be named is listed in « Autres données » through "
        "the person's reverse relation; anonymising or erasing the person unlinks it (SET_NULL) and what "
        "is left (organisation, kind, duration) names nobody."
    ),
)

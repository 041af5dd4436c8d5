"""What the directory of structures brings: reference data every module reads."""

from django.utils.translation import gettext_lazy as _

from csc.core.registry import Capability, Module, SubLink, TenancyFixture, Theme, Tile
from csc.core.roles import CENTRE_ROLES, Role

from .capabilities import DIRECTORY_EDIT, DIRECTORY_NETWORK, DIRECTORY_PROPOSE, DIRECTORY_VIEW

# Those who receive and help people keep their centre's entries and propose corrections to the others.
KEEPERS = frozenset(
    {
        Role.DIRECTOR,
        Role.COORDINATOR,
        Role.RECEPTION,
        Role.SOCIAL_WORKER,
        Role.DIGITAL_MEDIATOR,
        Role.KIOSK_REFERENT,
    }
)

MODULE = Module(
    app="csc.directory",
    capabilities=(
        # Everybody in a centre may point a resident to the right place; the federation's staff read
        # the directory to keep the network's common entries.
        Capability(
            DIRECTORY_VIEW,
            _("Consulter l'annuaire des structures du réseau"),
            frozenset({*CENTRE_ROLES, Role.FEDERATION}),
        ),
        # An entry is changed only by the centre that owns it: another centre's reception must never
        # change the hours and phone its kiosk shows (issue « Hardening », item 3).
        Capability(
            DIRECTORY_EDIT,
            _(
                "Ajouter des structures à l'annuaire, modifier ou retirer les fiches de son centre, "
                "examiner les corrections qu'on leur propose"
            ),
            KEEPERS,
        ),
        Capability(
            DIRECTORY_PROPOSE,
            _("Proposer une correction à la fiche d'un autre centre de l'annuaire"),
            KEEPERS,
        ),
        # The entries no centre owns (places added before owners were recorded, or whose centre left)
        # are the network's: the federation keeps them rather than whichever centre comes first.
        Capability(
            DIRECTORY_NETWORK,
            _(
                "Modifier ou retirer les fiches de l'annuaire qui n'appartiennent à aucun centre, "
                "examiner les corrections qu'on leur propose"
            ),
            frozenset({Role.FEDERATION}),
        ),
    ),
    tiles=(
        Tile(
            "Annuaire des structures",
            "France Services, CCAS, médiathèques, centres du réseau : adresses, horaires, services.",
            "directory:structure_list",
            DIRECTORY_VIEW,
            Theme.RECEPTION,
            40,
            links=(
                SubLink("Corrections proposées à votre centre", "directory:correction_list", DIRECTORY_EDIT),
            ),
        ),
    ),
    actions={
        "directory.correction_proposed": _("Correction de l'annuaire proposée"),
        "directory.correction_accepted": _("Correction de l'annuaire acceptée"),
        "directory.correction_refused": _("Correction de l'annuaire refusée"),
    },
    urls="csc.directory.urls",
    tenancy=TenancyFixture(
        plant="csc.directory.testing.plant_foreign", snapshot="csc.directory.testing.snapshot"
    ),
    waiting="csc.directory.waiting.waiting",
)

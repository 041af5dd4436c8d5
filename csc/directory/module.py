"""What the directory of structures brings: reference data every module reads."""

from django.utils.translation import gettext_lazy as _

from csc.core.registry import Capability, Module, TenancyFixture, Theme, Tile
from csc.core.roles import CENTRE_ROLES, Role

from .capabilities import DIRECTORY_EDIT, DIRECTORY_VIEW

MODULE = Module(
    app="csc.directory",
    capabilities=(
        # Everybody in a centre may point a resident to the right place; those who receive and help
        # people keep the directory up to date.
        Capability(
            DIRECTORY_VIEW, _("Consulter l'annuaire des structures du réseau"), frozenset(CENTRE_ROLES)
        ),
        Capability(
            DIRECTORY_EDIT,
            _("Compléter l'annuaire des structures (adresses, horaires, services)"),
            frozenset(
                {
                    Role.DIRECTOR,
                    Role.COORDINATOR,
                    Role.RECEPTION,
                    Role.SOCIAL_WORKER,
                    Role.DIGITAL_MEDIATOR,
                    Role.KIOSK_REFERENT,
                }
            ),
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
        ),
    ),
    urls="csc.directory.urls",
    tenancy=TenancyFixture(plant="csc.directory.testing.plant_foreign"),
)

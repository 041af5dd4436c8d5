"""Staff roles and what each one opens.

A role is held on a centre, on a territory (territory coordinator) or on the whole network (federation).
The roles are the platform's: every module grants its capabilities to some of them, in its own
`module.py` (csc.core.registry). Capabilities are coarse on purpose: a reception officer and a director
must be able to tell, reading a module's declaration, who can do what there.
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


def capabilities_of(role: str) -> frozenset[str]:
    """What a role opens: the union of what each installed module grants it (csc.core.registry)."""
    from .registry import capabilities_of as granted

    return granted(role)

"""What online membership and registration requests bring."""

from django.utils.translation import gettext_lazy as _

from csc.activities.capabilities import ACTIVITIES_CONFIGURE
from csc.core.registry import Capability, Module, PersonalData, SubLink, TenancyFixture, Theme, Tile
from csc.core.roles import Role

from .capabilities import ENROLMENT_PROCESS

MODULE = Module(
    app="csc.enrolment",
    capabilities=(
        Capability(
            ENROLMENT_PROCESS,
            _("Traiter les demandes d'adhésion et d'inscription en ligne"),
            frozenset({Role.DIRECTOR, Role.COORDINATOR, Role.RECEPTION}),
        ),
    ),
    tiles=(
        Tile(
            "Demandes en ligne",
            "Pré-adhésions et pré-inscriptions des familles : valider, refuser, liste d'attente.",
            "enrolment:inbox",
            ENROLMENT_PROCESS,
            Theme.RECEPTION,
            30,
        ),
        Tile(
            "Textes des e-mails aux familles",
            "Les messages envoyés à chaque étape d'une demande en ligne.",
            "enrolment:status_messages",
            ACTIVITIES_CONFIGURE,
            Theme.ACTIVITIES,
            40,
            links=(SubLink("Délai des places proposées", "enrolment:settings", ACTIVITIES_CONFIGURE),),
        ),
    ),
    actions={
        "enrolment.validated": _("Demande en ligne validée"),
        "enrolment.export": _("Export des inscrits ou des adhésions"),
        "enrolment.attestation_read": _("Lecture d'une attestation de quotient familial"),
    },
    urls="csc.enrolment.urls",
    waiting="csc.enrolment.waiting.waiting",
    tenancy=TenancyFixture(
        plant="csc.enrolment.testing.plant_foreign", snapshot="csc.enrolment.testing.snapshot"
    ),
    personal_data=PersonalData(
        generic="a request's people and household are listed in « Autres données » through the person's "
        "reverse relations; anonymising or erasing the person unlinks them (SET_NULL), the request "
        "keeping what the family submitted."
    ),
)

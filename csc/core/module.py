"""What core brings as a module: the centre's team, journal and settings, and the journal's own actions."""

from django.utils.translation import gettext_lazy as _

from .capabilities import AUDIT_VIEW, CENTRE_SETTINGS, MESSAGES_VIEW, STAFF_MANAGE
from .registry import Capability, Module, Theme, Tile
from .roles import Role

MODULE = Module(
    app="csc.core",
    capabilities=(
        Capability(STAFF_MANAGE, _("Gérer l'équipe du centre"), frozenset({Role.DIRECTOR})),
        Capability(
            AUDIT_VIEW,
            _("Lire le journal du centre"),
            # Above centres: oversight, not the day-to-day files of people.
            frozenset({Role.DIRECTOR, Role.TERRITORY_COORDINATOR, Role.FEDERATION}),
        ),
        Capability(
            CENTRE_SETTINGS, _("Régler le centre (durée de conservation…)"), frozenset({Role.DIRECTOR})
        ),
        Capability(
            MESSAGES_VIEW,
            _("Voir les e-mails non partis du centre et les renvoyer"),
            # Those who answer the families when an e-mail did not arrive.
            frozenset({Role.DIRECTOR, Role.COORDINATOR, Role.RECEPTION}),
        ),
    ),
    tiles=(
        Tile(
            "Équipe du centre",
            "Inviter un membre de l'équipe, changer un rôle.",
            "core:staff_list",
            STAFF_MANAGE,
            Theme.CENTRE,
            10,
        ),
        Tile("Journal", "Qui a fait quoi, et quand.", "core:journal", AUDIT_VIEW, Theme.CENTRE, 20),
        Tile(
            "Réglages du centre",
            "Durée de conservation des données.",
            "core:centre_settings",
            CENTRE_SETTINGS,
            Theme.CENTRE,
            30,
        ),
        Tile(
            "Messages non partis",
            "Les e-mails qui n'ont pas pu partir, ou peut-être pas : les voir, corriger l'adresse, renvoyer.",
            "core:messages",
            MESSAGES_VIEW,
            Theme.CENTRE,
            40,
        ),
    ),
    # The journal's generic verbs (the audited models' create/update/delete, exports, anonymisation)
    # and the accounts' events; a module declares its own actions in its module.py.
    actions={
        "login": _("Connexion"),
        "login_failed": _("Échec de connexion"),
        "logout": _("Déconnexion"),
        "create": _("Création"),
        "update": _("Modification"),
        "delete": _("Suppression"),
        "view": _("Consultation"),
        "export": _("Export"),
        "anonymise": _("Anonymisation"),
        "erase": _("Effacement"),
        "role_granted": _("Rôle attribué"),
        "role_changed": _("Rôle modifié"),
        "role_revoked": _("Rôle retiré"),
        "invitation": _("Invitation"),
        "token_created": _("Jeton d'API créé"),
        "token_revoked": _("Jeton d'API révoqué"),
        "otp_enabled": _("Double authentification activée"),
        "otp_disabled": _("Double authentification désactivée"),
        "settings": _("Réglages du centre"),
        "message_resent": _("Message renvoyé"),
    },
    urls="csc.core.urls",
    waiting="csc.core.waiting.waiting",
    api_router="csc.core.api.router",
)

from django.conf import settings
from django.core.checks import Error, register


@register()
def casework_keys(app_configs, **kwargs):
    """Without its keys, social follow-up cannot write a note: say so at start-up, not on a worker's page."""
    from cryptography.fernet import Fernet

    if not settings.CSC_CASEWORK_KEYS:
        return [
            Error(
                "CSC_CASEWORK_KEYS n'est pas défini : "
                "l'accompagnement social ne peut pas chiffrer ses notes.",
                hint="Générez une clé (docs/installation.md) et mettez-la dans l'environnement.",
                id="casework.E001",
            )
        ]
    for key in settings.CSC_CASEWORK_KEYS:
        try:
            Fernet(key.encode())
        except (ValueError, TypeError):
            return [
                Error(
                    "CSC_CASEWORK_KEYS contient une clé invalide (44 caractères base64 attendus).",
                    id="casework.E002",
                )
            ]
    return []

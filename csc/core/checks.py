"""The deployment's own checks, run by `manage.py check --deploy` beside Django's."""

import ipaddress
from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Error, Tags, register


def _is_local(host: str) -> bool:
    if host in {"", "localhost"} or host.endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return address.is_loopback or address.is_unspecified


@register(Tags.security, deploy=True)
def public_url(app_configs, **kwargs):
    """E-mails sent by the task worker and the cron commands link to CSC_PUBLIC_URL: unset, or left at a
    laptop's address, the families and the teams would receive links they cannot open."""
    if settings.DEBUG:
        return []
    value = settings.CSC_PUBLIC_URL
    parts = urlsplit(value)
    host = (parts.hostname or "").lower()
    if parts.scheme in {"http", "https"} and not _is_local(host):
        return []
    return [
        Error(
            f"CSC_PUBLIC_URL vaut « {value} » : les liens des e-mails envoyés hors d'une requête "
            "(travailleur de tâches, commandes planifiées) ne s'ouvriraient pas chez les familles.",
            hint="Donnez l'adresse publique du site, par exemple CSC_PUBLIC_URL=https://csc.exemple.fr "
            "(docs/installation.md).",
            id="core.E001",
        )
    ]


# Backends whose counts stay inside one process: each gunicorn worker would count on its own.
_PER_PROCESS_CACHES = {
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
}


@register(Tags.security, deploy=True)
def shared_cache(app_configs, **kwargs):
    """The rate limits of the public forms, of password resets and of the kiosk count in the cache
    (csc/core/ratelimit.py): in the memory of one process, each gunicorn worker would let through the
    whole limit again."""
    if settings.DEBUG:
        return []
    if settings.CACHES.get("default", {}).get("BACKEND") not in _PER_PROCESS_CACHES:
        return []
    return [
        Error(
            "Aucun cache partagé : chaque processus de gunicorn compterait seul les envois des formulaires "
            "publics, des mots de passe oubliés et de la borne, et les limites seraient multipliées par "
            "le nombre de processus.",
            hint="Donnez l'adresse d'un serveur Redis, par exemple CSC_CACHE_URL=redis://127.0.0.1:6379/0 "
            "(docs/installation.md).",
            id="core.E002",
        )
    ]

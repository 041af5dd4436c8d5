from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "csc.core"
    label = "core"
    verbose_name = "Réseau, comptes et journal"

    def ready(self):
        from csc.core import registry

        from .module import MODULE

        registry.register(MODULE)  # what this app brings: csc/core/module.py
        from . import signals  # noqa: F401  (login journal, personal-data journal)

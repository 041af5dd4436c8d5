from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "csc.core"
    label = "core"
    verbose_name = "Réseau, comptes et journal"

    def ready(self):
        from csc.core import registry

        from .module import MODULE

        registry.register(MODULE)  # what this app brings: csc/core/module.py
        # checks: the deployment's; signals: the login journal, the personal-data journal.
        from . import checks, signals  # noqa: F401

from django.apps import AppConfig


class CaseworkConfig(AppConfig):
    name = "csc.casework"
    verbose_name = "Accompagnement social"

    def ready(self):
        from csc.core import registry

        from .module import MODULE

        registry.register(MODULE)  # what this app brings: csc/casework/module.py
        # checks: the start-up check of the keys; signals: the household's history.
        from . import checks, signals  # noqa: F401

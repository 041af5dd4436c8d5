from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "csc.core"
    label = "core"
    verbose_name = "Réseau, comptes et journal"

    def ready(self):
        from django.db.backends.signals import connection_created
        from django.db.models.signals import pre_save

        from csc.core import registry

        from .cleaning import install_guard, refuse_unsafe_texts
        from .module import MODULE

        registry.register(MODULE)  # what this app brings: csc/core/module.py
        # checks: the deployment's; signals: the login journal, the personal-data journal.
        from . import checks, signals  # noqa: F401

        # The last line of the text cleaning (csc.core.cleaning): no model saves a refused character, and
        # nothing PostgreSQL refuses leaves for the database, whatever the code path.
        pre_save.connect(refuse_unsafe_texts, dispatch_uid="csc-refuse-unsafe-texts")
        connection_created.connect(install_guard, dispatch_uid="csc-install-text-guard")

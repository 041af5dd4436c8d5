from django.apps import AppConfig


class CaseworkConfig(AppConfig):
    name = "csc.casework"
    verbose_name = "Accompagnement social"

    def ready(self):
        from csc.core import registry

        from .module import MODULE

        registry.register(MODULE)  # what this app brings: csc/casework/module.py
        # verify_restore (csc/core/restore_check.py): do the configured keys read the restored notes?
        from csc.core import restore_check

        from .restore_checks import check_documents, check_notes

        restore_check.register_check("casework.notes", check_notes)
        restore_check.register_check("casework.documents", check_documents)
        # checks: the start-up check of the keys; signals: the household's history.
        from . import checks, signals  # noqa: F401

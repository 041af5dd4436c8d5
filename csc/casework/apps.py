from django.apps import AppConfig


class CaseworkConfig(AppConfig):
    name = "csc.casework"
    verbose_name = "Accompagnement social"

    def ready(self):
        # checks: the start-up check of the keys; signals: the household's history.
        from . import checks, signals  # noqa: F401

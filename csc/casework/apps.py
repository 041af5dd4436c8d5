from django.apps import AppConfig


class CaseworkConfig(AppConfig):
    name = "csc.casework"
    verbose_name = "Accompagnement social"

    def ready(self):
        from . import checks  # noqa: F401  (registers the start-up check of the keys)

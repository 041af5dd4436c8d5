from django.apps import AppConfig


class ActivitiesConfig(AppConfig):
    name = "csc.activities"
    label = "activities"
    verbose_name = "Activités"

    def ready(self):
        from csc.core import registry

        from .module import MODULE

        registry.register(MODULE)  # what this app brings: csc/activities/module.py

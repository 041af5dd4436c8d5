from django.apps import AppConfig


class ActivitiesConfig(AppConfig):
    name = "csc.activities"
    label = "activities"
    verbose_name = "Activités"

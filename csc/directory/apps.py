from django.apps import AppConfig


class DirectoryConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "csc.directory"
    verbose_name = "Annuaire des structures"

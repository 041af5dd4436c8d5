from django.apps import AppConfig


class KioskConfig(AppConfig):
    name = "csc.kiosk"
    verbose_name = "Borne e-administration"

from django.apps import AppConfig


class KioskConfig(AppConfig):
    name = "csc.kiosk"
    verbose_name = "Borne e-administration"

    def ready(self):
        from csc.core import registry

        from .module import MODULE

        registry.register(MODULE)  # what this app brings: csc/kiosk/module.py

from django.apps import AppConfig


class DemoModuleConfig(AppConfig):
    name = "csc.core.tests.demo_module"
    label = "demo_module"
    verbose_name = "Module de démonstration"

    def ready(self):
        from csc.core import registry

        from .module import MODULE

        registry.register(MODULE)

from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "csc.people"
    label = "people"
    verbose_name = "Personnes et foyers"

    def ready(self):
        from csc.core import registry

        from .module import MODULE

        registry.register(MODULE)  # what this app brings: csc/people/module.py

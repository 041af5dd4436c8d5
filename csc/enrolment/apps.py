from django.apps import AppConfig


class EnrolmentConfig(AppConfig):
    name = "csc.enrolment"
    label = "enrolment"
    verbose_name = "Pré-adhésion et pré-inscription en ligne"

    def ready(self):
        from csc.core import registry

        from .module import MODULE

        registry.register(MODULE)  # what this app brings: csc/enrolment/module.py

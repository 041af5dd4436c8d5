from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "csc.people"
    label = "people"
    verbose_name = "Personnes et foyers"

    def ready(self):
        from csc.core import registry

        from .module import MODULE

        registry.register(MODULE)  # what this app brings: csc/people/module.py
        from csc.core import restore_check

        from .restore_checks import check_people

        restore_check.register_check("people.persons", check_people)  # manage.py verify_restore

from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "csc.people"
    label = "people"
    verbose_name = "Personnes et foyers"

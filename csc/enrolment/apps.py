from django.apps import AppConfig


class EnrolmentConfig(AppConfig):
    name = "csc.enrolment"
    label = "enrolment"
    verbose_name = "Pré-adhésion et pré-inscription en ligne"

from django.apps import AppConfig


class EnrolmentConfig(AppConfig):
    name = "csc.enrolment"
    label = "enrolment"
    verbose_name = "Pré-adhésion et pré-inscription en ligne"

    def ready(self):
        # The summary PDF attached to the first e-mail of a request is built by core's outbound message
        # service when it sends; it finds the builder by this name. (To move into the core module registry
        # once it exists.)
        from csc.core import notify

        from . import documents, notifications

        notify.register_attachment(notifications.SUMMARY_ATTACHMENT, documents.summary_attachment)

from django.apps import AppConfig


class EnrolmentConfig(AppConfig):
    name = "csc.enrolment"
    label = "enrolment"
    verbose_name = "Pré-adhésion et pré-inscription en ligne"

    def ready(self):
        from csc.core import notify, registry

        from . import documents, notifications
        from .module import MODULE

        registry.register(MODULE)  # what this app brings: csc/enrolment/module.py

        from csc.activities.events import places_added

        # Places added to a period (activities cannot import this app) go to its waiting list.
        places_added.connect(_offer_added_places, dispatch_uid="csc.enrolment.places_added")
        # The summary PDF attached to the first e-mail of a request is built by core's outbound message
        # service when it sends; it finds the builder by this name.
        notify.register_attachment(notifications.SUMMARY_ATTACHMENT, documents.summary_attachment)

        from csc.core import jobs

        from .export_views import EXPORT_JOB
        from .jobs import export_xlsx

        # The large XLSX exports, prepared by the task worker (export_views.py says when).
        jobs.register(EXPORT_JOB, export_xlsx, "Export Excel des inscriptions", unit="lignes")


def _offer_added_places(sender, period_id, **kwargs):
    from .services import offer_added_places

    offer_added_places(period_id=period_id)

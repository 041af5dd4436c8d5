from django.apps import AppConfig


class ActivitiesConfig(AppConfig):
    name = "csc.activities"
    label = "activities"
    verbose_name = "Activités"

    def ready(self):
        from csc.core import registry

        from .module import MODULE

        registry.register(MODULE)  # what this app brings: csc/activities/module.py

        from csc.core import jobs

        from .imports.jobs import IMPORT_JOB, run_import_job
        from .reports.jobs import NETWORK_REPORT_JOB, network_report_file

        # The work the task worker does for this app's pages (csc.core.jobs).
        jobs.register(NETWORK_REPORT_JOB, network_report_file, "Bilan de vos centres", unit="étapes")
        jobs.register(IMPORT_JOB, run_import_job, "Import de présences", unit="lignes")

        from . import signals  # noqa: F401  (the cached tariff tables follow every change)

"""The roll-up's files, made by the task worker (csc.core.jobs): a network's PDF takes seconds to lay
out, too long for a request. The page's button starts the job (`views._network_report`); this runner
recomputes the report from the filters and the day recorded then, with the rights the person holds now.
"""

from __future__ import annotations

from datetime import date

from csc.core.jobs import JobError, Result
from csc.core.spreadsheets import XLSX_CONTENT_TYPE

from . import exports as report_exports

NETWORK_REPORT_JOB = "activities.network_report"
STEPS = 3


def network_report_file(parameters: dict, progress, user) -> Result:
    """The roll-up as PDF or XLSX: three steps (figures, layout, done)."""
    from .views import network_report_page  # the page's own reading of the filters; views import this

    fmt = parameters["format"]
    progress(0, STEPS, "Calcul des chiffres")
    page = network_report_page(user, parameters["filters"], date.fromisoformat(parameters["today"]))
    if page is None:
        raise JobError("Vous ne pouvez plus lire les bilans de ces centres : le bilan n'a pas été préparé.")
    if not page.valid:
        raise JobError("La période ou le territoire demandés ne sont plus valables : refaites la demande.")
    if fmt == "pdf":
        progress(1, STEPS, "Mise en page du PDF")
        return Result(f"{page.filename}.pdf", report_exports.network_pdf(page.context), "application/pdf")
    progress(1, STEPS, "Écriture du tableur")
    content = report_exports.network_xlsx(
        page.context["report"], scope=page.context["scope"], period_label=page.context["period"].label
    )
    return Result(f"{page.filename}.xlsx", content, XLSX_CONTENT_TYPE)

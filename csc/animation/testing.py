"""Animation's objects in the foreign centre of the tenancy walker (csc.testing.tenancy), declared in
csc/animation/module.py. Imported by tests only."""

from __future__ import annotations

import io

from django.core.files.base import ContentFile
from django.db import models
from PIL import Image

from csc.testing.tenancy import SECRET_HOUSEHOLD, SECRET_LAST_NAME, ForeignWorld

from . import project
from .models import (
    ActivitySheet,
    Objective,
    Planning,
    PlanningEntry,
    SheetAttachment,
    SheetComment,
    SheetVersion,
)


def plant_foreign(world: ForeignWorld) -> dict[str, models.Model]:
    """Centre B's project and objective, a sheet kept to its centre (with a photo, a comment and a
    version), and a planning of its leisure centre (planted by activities) with one entry."""
    centre_b, author, period = world.centre, world.staff_user, world.objects["period_id"]
    objective = project.add_objective(
        project.get_or_create_project(centre_b),
        text=f"Objectif {SECRET_LAST_NAME}",
        level="general",
        user=None,
    )
    sheet = ActivitySheet.objects.create(
        centre=centre_b,
        author=author,
        title=f"Fiche {SECRET_LAST_NAME}",
        status=ActivitySheet.Status.PUBLISHED,
        visibility=ActivitySheet.Visibility.CENTRE,
    )
    sheet.objectives.add(objective)
    version = SheetVersion.objects.create(sheet=sheet, number=1, content={"title": sheet.title})
    png = io.BytesIO()
    Image.new("RGB", (2, 2)).save(png, format="PNG")
    attachment = SheetAttachment(sheet=sheet, name=f"{SECRET_LAST_NAME}.png", kind="photo", file_type="png")
    attachment.size = len(png.getvalue())
    attachment.file.save("photo.png", ContentFile(png.getvalue()), save=True)
    comment = SheetComment.objects.create(sheet=sheet, author=author, centre=centre_b, text=SECRET_HOUSEHOLD)
    day = period.days.first().date
    planning = Planning.objects.create(
        centre=centre_b,
        activity=period.activity,
        period=period,
        title="Planning secret",
        starts_on=day,
        ends_on=day,
    )
    entry = PlanningEntry.objects.create(
        planning=planning,
        centre=centre_b,
        date=day,
        slot="matin",
        sheet=sheet,
        title=f"Activité {SECRET_LAST_NAME}",
    )
    return {
        "objective_id": objective,
        "sheet_id": sheet,
        "version_number": version,
        "attachment_id": attachment,
        "comment_id": comment,
        "planning_id": planning,
        "entry_id": entry,
    }


def snapshot(world: ForeignWorld) -> dict:
    centre = world.centre
    return {
        "sheets": list(
            ActivitySheet.objects.filter(centre=centre)
            .values_list("pk", "title", "version", "status", "visibility")
            .order_by("pk")
        ),
        "sheet_comments": SheetComment.objects.filter(sheet__centre=centre).count(),
        "sheet_attachments": SheetAttachment.objects.filter(sheet__centre=centre).count(),
        "plannings": list(
            Planning.objects.filter(centre=centre).values_list("pk", "revision", "status").order_by("pk")
        ),
        "planning_entries": list(
            PlanningEntry.objects.filter(centre=centre)
            .values_list("pk", "group_id", "date", "slot", "title")
            .order_by("pk")
        ),
        "objectives": list(Objective.objects.filter(centre=centre).values_list("pk", "text")),
    }

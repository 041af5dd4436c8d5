"""Activity sheets over the API, read only: what another tool of a centre (a website, a planning
spreadsheet) needs to find and show sheets. Scoped like the pages: the sheets of the user's centres
and those published for the network."""

from datetime import datetime

from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from csc.core.pagination import Pagination
from csc.core.tenancy import centres_with

from . import sheets
from .capabilities import ANIMATION_SHEETS
from .models import ActivitySheet
from .search import SheetFilters, filter_sheets
from .sheet_forms import MAX_AGE, MAX_MINUTES

router = Router(tags=["Fiches d'activité"])


class SheetSummaryOut(Schema):
    id: int
    centre_id: int
    centre_name: str = Field(..., alias="centre.name")
    title: str
    summary: str
    kind: str
    min_age: int | None
    max_age: int | None
    duration_minutes: int | None
    visibility: str
    status: str
    version: int
    updated_at: datetime


class ObjectiveOut(Schema):
    id: int
    text: str


class AttachmentOut(Schema):
    id: int
    name: str
    kind: str
    file_type: str
    size: int


class SheetOut(SheetSummaryOut):
    group_min: int | None
    group_max: int | None
    preparation_minutes: int | None
    materials: list[str]
    steps: list[str]
    variants: str
    safety_notes: str
    objectives: list[ObjectiveOut]
    attachments: list[AttachmentOut]
    copied_from_id: int | None

    @staticmethod
    def resolve_materials(sheet):
        return sheets.lines(sheet.materials)

    @staticmethod
    def resolve_steps(sheet):
        return sheets.lines(sheet.steps)

    @staticmethod
    def resolve_objectives(sheet):
        return list(sheet.objectives.all())

    @staticmethod
    def resolve_attachments(sheet):
        return list(sheet.attachments.all())


class SheetQuery(Schema):
    q: str = Field("", max_length=200, description="Mots recherchés (accents et majuscules indifférents)")
    age: int | None = Field(None, ge=0, le=MAX_AGE, description="Âge des enfants")
    kind: ActivitySheet.Kind | None = Field(None, description="Type d'activité")
    max_duration: int | None = Field(None, ge=1, le=MAX_MINUTES, description="Durée au plus, en minutes")
    materials: str = Field("", max_length=200, description="Mots du matériel")


def _readable(user):
    own = centres_with(user, ANIMATION_SHEETS)
    if not own:
        return ActivitySheet.objects.none()
    return ActivitySheet.objects.filter(
        Q(centre_id__in=own)
        | Q(visibility=ActivitySheet.Visibility.NETWORK, status=ActivitySheet.Status.PUBLISHED)
    )


@router.get("/activity-sheets", response=list[SheetSummaryOut], summary="Chercher des fiches d'activité")
@paginate(Pagination)
def list_sheets(request, filters: Query[SheetQuery]):
    wanted = SheetFilters(
        text=filters.q,
        age=filters.age,
        kind=filters.kind.value if filters.kind else "",
        max_duration=filters.max_duration,
        materials=filters.materials,
    )
    return filter_sheets(_readable(request.user), wanted).select_related("centre")


@router.get("/activity-sheets/{sheet_id}", response=SheetOut, summary="Une fiche d'activité")
def get_sheet(request, sheet_id: int):
    if not 1 <= sheet_id <= 2**31 - 1:  # past the column's range the database itself errs
        raise Http404
    queryset = _readable(request.user).select_related("centre").prefetch_related("objectives", "attachments")
    return get_object_or_404(queryset, pk=sheet_id)

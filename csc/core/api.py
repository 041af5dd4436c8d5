from decimal import Decimal

from django.shortcuts import get_object_or_404
from ninja import Router, Schema

from .models import Centre

router = Router(tags=["Réseau"])


class SiteOut(Schema):
    name: str
    kind: str
    address: str
    postcode: str
    city: str
    phone: str


class CentreOut(Schema):
    id: int
    slug: str
    name: str
    territory: str
    address: str
    postcode: str
    city: str
    phone: str
    website: str
    latitude: Decimal | None
    longitude: Decimal | None
    sites: list[SiteOut]

    @staticmethod
    def resolve_territory(obj):
        return obj.territory.name

    @staticmethod
    def resolve_sites(obj):
        return list(obj.sites.all())


def _centres():
    return Centre.objects.select_related("territory").prefetch_related("sites").order_by("name")


@router.get("/centres", response=list[CentreOut], auth=None, summary="Les centres du réseau (public)")
def list_centres(request):
    return list(_centres())


@router.get("/centres/{centre_id}", response=CentreOut, auth=None, summary="Un centre (public)")
def get_centre(request, centre_id: int):
    return get_object_or_404(_centres(), pk=centre_id)

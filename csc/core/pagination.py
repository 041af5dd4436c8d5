from django.conf import settings
from ninja import Field, Schema
from ninja.pagination import LimitOffsetPagination


class Pagination(LimitOffsetPagination):
    """The API's limit/offset pages, with a bounded offset: past a 64-bit integer the database fails (a 500
    found by schemathesis on SQLite), and no real client pages that far."""

    class Input(Schema):
        limit: int = Field(settings.NINJA_PAGINATION_PER_PAGE, ge=1, le=settings.NINJA_PAGINATION_MAX_LIMIT)
        offset: int = Field(0, ge=0, le=10_000_000)

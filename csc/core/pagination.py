from django.conf import settings
from django.core.paginator import Paginator as DjangoPaginator
from ninja import Field, Schema
from ninja.pagination import LimitOffsetPagination


class Pagination(LimitOffsetPagination):
    """The API's limit/offset pages, with a bounded offset: past a 64-bit integer the database fails (a 500
    found by schemathesis on SQLite), and no real client pages that far."""

    class Input(Schema):
        limit: int = Field(settings.NINJA_PAGINATION_PER_PAGE, ge=1, le=settings.NINJA_PAGINATION_MAX_LIMIT)
        offset: int = Field(0, ge=0, le=10_000_000)


class CountSparingPaginator(DjangoPaginator):
    """A paginator that skips COUNT(*) when the first page is not full.

    Most name searches find fewer people than a page holds; counting them would cost as much as
    fetching them (benchmarks/README.md). The first page fetches one row more than it shows: if that
    row is missing, the rows fetched are the whole result and their number is the count.
    """

    def page(self, number):
        if "count" not in self.__dict__ and str(number).strip() in ("1", "None", ""):
            rows = list(self.object_list[: self.per_page + 1])
            if len(rows) <= self.per_page:
                self.__dict__["count"] = len(rows)  # fills the cached property: no COUNT(*) query
                return self._get_page(rows, 1, self)
        return super().page(number)

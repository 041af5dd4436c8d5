from django.conf import settings
from django.core.paginator import Paginator as DjangoPaginator
from django.utils.functional import cached_property
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
    row is missing, the rows fetched are the whole result and their number is the count; if it is there,
    the rows already fetched still make the page, only the count is asked for.

    `count_cap` bounds the count for searches that can match tens of thousands of rows: the list then
    says « plus de 1 000 » (`capped`) rather than paying for an exact figure nobody reads.
    """

    def __init__(self, object_list, per_page, *args, count_cap: int | None = None, **kwargs):
        super().__init__(object_list, per_page, *args, **kwargs)
        self.count_cap = count_cap
        self.capped = False

    @cached_property
    def count(self):
        if self.count_cap is None or not hasattr(self.object_list, "values"):
            return super().count
        # Without ordering nor annotations: SELECT COUNT(*) FROM (SELECT id … LIMIT cap + 1).
        counted = self.object_list.order_by().values("pk")[: self.count_cap + 1].count()
        self.capped = counted > self.count_cap
        return min(counted, self.count_cap)

    def get_page(self, number):
        # Django's get_page validates the number against the page count first: the first page, the
        # one nearly every list shows, goes straight to `page` so that it can spare the count.
        if self._is_first(number):
            return self.page(1)
        return super().get_page(number)

    def _is_first(self, number) -> bool:
        return "count" not in self.__dict__ and str(number).strip() in ("1", "None", "")

    def page(self, number):
        if self._is_first(number):
            rows = list(self.object_list[: self.per_page + 1])
            if len(rows) <= self.per_page:
                self.__dict__["count"] = len(rows)  # fills the cached property: no COUNT(*) query
            return self._get_page(rows[: self.per_page], 1, self)
        return super().page(number)

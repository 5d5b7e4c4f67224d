"""Paginators for large tables: admin lists that never count every row, and search."""

import math

from django.core.paginator import InvalidPage, Paginator
from django.db import connections
from django.db.models import Count, Window
from django.http import Http404
from django.utils.functional import cached_property

from newsroom import pagecache

# Beyond this many rows, the list says "10,000" and its last page is the 10,000th row's:
# nobody pages that far, and narrowing with a filter or a search is what people do instead.
COUNT_LIMIT = 10_000
# A search for any part of a word is counted by reading every match's row (an index finds
# candidates, each row is checked): up to 10,000 rows of a common word took most of a second
# at a million articles. Ten pages of results are counted, and the last page shown is the
# 1,000th match's: a longer search narrows it.
SEARCH_COUNT_LIMIT = 1_000


class EstimatedCountPaginator(Paginator):
    # Where the counting stops; None: COUNT_LIMIT.
    limit = None

    @cached_property
    def count(self):
        limit = self.limit or COUNT_LIMIT
        queryset = self.object_list
        connection = connections[queryset.db]
        if connection.vendor == "postgresql" and not queryset.query.where:
            # The whole table: PostgreSQL's planner statistics know its size well enough.
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT reltuples::bigint FROM pg_class WHERE oid = %s::regclass",
                    [queryset.model._meta.db_table],
                )
                row = cursor.fetchone()
            if row and row[0] > limit:
                return row[0]
        return queryset.order_by()[:limit].count()


class ListingPaginator(Paginator):
    """A listing's pages share one count of its articles, kept until the site changes.

    Counting a tag's or an author's public articles reads every one of them; the count
    changes only with the site's version (which a scheduled publication or an expiry moves
    too), so page 2, 3 and so on, and a page rendered again after its cache entry expired,
    reuse it.
    """

    def __init__(self, object_list, per_page, *, key, request=None):
        super().__init__(object_list, per_page)
        self.key = key
        self.request = request

    @cached_property
    def count(self):
        return pagecache.remember(f"count:{self.key}", self.object_list.count, request=self.request)

    def page(self, number):
        """A page found by its articles' ids first, then only its own rows read.

        A deep page (the 500th of a section's 25,000 articles) skips thousands of rows:
        skipping them in the listing index alone (it carries every column the skipping
        needs, the id included) reads a few index pages, where skipping whole rows read a
        table page for each (240 ms for page 500 of a section at a million articles).
        """
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        ids = self.object_list.values("pk")[bottom : bottom + self.per_page]
        return self._get_page(self.object_list.filter(pk__in=ids), number, self)

    def get_page_or_404(self, number):
        """The page asked for; a malformed number is the first, one out of range is a 404."""
        try:
            return self.page(page_number(number))
        except InvalidPage as error:
            raise Http404(str(error)) from None


def page_number(value):
    """The page a ?page= value asks for: a malformed one asks for the first."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return 1


def require_first_page(request):
    """A page that is never paged answers ?page=2 (or 0) as a listing past its end: 404."""
    if page_number(request.GET.get("page")) != 1:
        raise Http404("This page has no other pages.")


class SearchPaginator(Paginator):
    """Pages of ranked search results in one pass over the matches, plus the page's rows.

    Ranking has to look at every match anyway, so the same query counts them (a window
    count) and returns only the ids of the page asked for; `show` then adds what the page
    displays (snippets, sections, bylines) for those few rows. A common two-word query on
    100,000 articles matches about 8,000: the count and the snippets no longer cost a pass
    over all of them each.
    """

    def __init__(self, ranked, per_page, *, show):
        """`show(ids)`: the articles of these ids, in their order, as the page shows them."""
        super().__init__(ranked, per_page)
        self.show = show

    def get_page(self, number):
        # As Paginator.get_page: a malformed number is the first page, one too far the last.
        number = page_number(number)
        # What was asked for, before it is brought into range: the view answers 404 when
        # the page served is another one.
        self.asked_for = number
        number = max(number, 1)
        # A number far beyond any search's pages (and the database's integers) goes straight
        # to the last page.
        ids, total = self._ranked_ids(number) if number <= COUNT_LIMIT else ([], None)
        if not ids and number > 1:
            number = max(math.ceil(self.object_list.count() / self.per_page), 1)
            ids, total = self._ranked_ids(number)
        self.__dict__["count"] = total or 0
        return self._get_page(self.show(ids) if ids else [], number, self)

    def _ranked_ids(self, number):
        offset = (number - 1) * self.per_page
        queryset = self.object_list
        if connections[queryset.db].vendor == "postgresql":
            return self._ranked_ids_narrow(queryset, offset)
        rows = list(
            queryset.annotate(total=Window(Count("pk"))).values_list("pk", "total")[
                offset : offset + self.per_page
            ]
        )
        return [pk for pk, _ in rows], (rows[0][1] if rows else None)

    def _ranked_ids_narrow(self, queryset, offset):
        """The same page in SQL of its own, so that the count sees narrow rows.

        Written with the ORM, the window count sits under the sort and carries each match's
        whole row, its rank vector included, into a buffer: a third of the query's time for
        a common query. Here the matches are first cut down to the id and the sort keys
        (the rank is computed as each row is read), then counted and sorted.
        """
        connection = connections[queryset.db]
        meta = queryset.model._meta
        ordering = [
            (name.removeprefix("-"), name.startswith("-")) for name in queryset.query.order_by
        ]
        if ordering[-1][0] != "pk":
            raise ValueError("Search results need the primary key as their last sort key.")

        def column(name):
            # values() names the primary key "pk" and an annotation by its own name.
            if name == "pk" or name in queryset.query.annotations:
                return name
            return meta.get_field(name).column

        sql, params = (
            queryset.order_by().values(*(name for name, _ in ordering)).query.sql_with_params()
        )
        order = ", ".join(
            f"matches.{connection.ops.quote_name(column(name))} {'DESC' if descending else 'ASC'}"
            for name, descending in ordering
        )
        # Planned for each search, not prepared: the plan depends on the words. A generic plan
        # (the same for any words) took 27 ms for a common query against 10 ms.
        with connection.cursor() as cursor:
            cursor.execute(
                # OFFSET 0 keeps the matches a subquery of their own: each rank is computed
                # as its row is read, below the count, not after it.
                "SELECT matches.pk, COUNT(*) OVER () "
                f"FROM ({sql} OFFSET 0) AS matches ORDER BY {order} LIMIT %s OFFSET %s",
                [*params, self.per_page, offset],
            )
            rows = cursor.fetchall()
        return [pk for pk, _ in rows], (rows[0][1] if rows else None)

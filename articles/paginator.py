"""A paginator for admin lists of large tables: it never counts every row of them."""

from django.core.paginator import Paginator
from django.db import connections
from django.utils.functional import cached_property

# Beyond this many rows, the list says "10,000" and its last page is the 10,000th row's:
# nobody pages that far, and narrowing with a filter or a search is what people do instead.
COUNT_LIMIT = 10_000


class EstimatedCountPaginator(Paginator):
    @cached_property
    def count(self):
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
            if row and row[0] > COUNT_LIMIT:
                return row[0]
        return queryset.order_by()[:COUNT_LIMIT].count()

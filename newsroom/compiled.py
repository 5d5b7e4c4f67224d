"""Queries compiled to SQL once per process, then run with the values of each request.

Building a QuerySet and compiling it to SQL costs more CPU than the database takes to
answer the small index lookups of a reader page: about 1 ms to compile the article page's
lookup of its row, against 0.1 ms for PostgreSQL to answer it, and 3 ms for the related
stories' query. A query whose shape never changes, only its values (an id, a slug, the
moment that says what is public), is compiled once per database and run again with the new
values, as a raw query of the same model.

On PostgreSQL a compiled query is also a prepared statement: its values travel apart from
its text (server-side binding), and the server parses and plans it once per connection
rather than on every request. Planning the related stories' query took PostgreSQL longer
than running it (1.7 ms against 0.5 ms). Connection poolers that cannot keep prepared
statements (PgBouncer in transaction mode before 1.21) turn this off with
DATABASE_PREPARED_STATEMENTS=false (docs/configuration.md).
"""

import datetime
import json
import threading
import weakref

from django.db import connections, router
from django.db.models import BigIntegerField, Expression
from django.db.models.query import RawQuerySet
from django.db.models.sql.query import RawQuery
from django.utils.functional import cached_property

# Stand-ins a real value never equals: each is found again in the compiled parameters and
# replaced there by the value of the call.
_STAND_INS = {
    int: lambda n: -7_340_000_000 - n,
    str: lambda n: f"\x1fstand-in-{n}\x1f",
    datetime.datetime: lambda n: datetime.datetime(1901, 2, 3, 4, 5, 6, n, tzinfo=datetime.UTC),
    # A list of ids, one parameter whatever its length (an array on PostgreSQL): found again
    # by identity.
    list: lambda n: [-7_340_000_000 - n],
}


class CompiledQuery:
    """`build(**values)` -> QuerySet, compiled once per database, run with other values.

    `kinds` names each value's type (int, str, datetime, or list: ids as one parameter).
    The QuerySet may filter, annotate, order, slice and defer; it must not select related
    rows (a raw query maps columns to one model) nor prefetch. Every value must reach the
    SQL as a parameter: compiling fails loudly if one is missing, or if a value moves into
    the SQL text.
    """

    def __init__(self, build, *, vendor=None, **kinds):
        """`vendor`: the one database vendor the query is written for (e.g. "postgresql")."""
        self.build = build
        self.vendor = vendor
        self.kinds = kinds
        self._compiled = {}
        # Per database: how the rows' columns map to the model (_CompiledRawQuerySet).
        self._mappings = {}
        self._lock = threading.Lock()
        _ALL.add(self)

    def raw(self, **values):
        """The rows, as a RawQuerySet of the QuerySet's model (instances, annotations)."""
        model = self._model()
        query = self._query(model, values)
        queryset = _CompiledRawQuerySet(
            query.sql, model=model, query=query, params=query.params, using=query.using
        )
        queryset.mappings = self._mappings
        return queryset

    def rows(self, **values):
        """The rows as tuples, in the order of the SELECT (a values_list() QuerySet's), with
        no model instance made: for many small rows whose columns need no conversion."""
        return list(self._query(self._model(), values))

    def _query(self, model, values):
        if values.keys() != self.kinds.keys():
            raise TypeError(f"Expected the values {sorted(self.kinds)}, got {sorted(values)}.")
        using = router.db_for_read(model)
        sql, params, slots = self._compiled.get(using) or self.compile(using)
        params = list(params)
        for index, name, adapt in slots:
            params[index] = adapt(values[name])
        return _PreparedRawQuery(sql, using, params=params)

    def compile(self, using):
        """The SQL for this database, compiled now if it was not yet."""
        with self._lock:
            compiled = self._compiled.get(using) or self._compile(using)
            self._compiled[using] = compiled
        return compiled

    def _model(self):
        model = getattr(self, "_model_class", None)
        if model is None:
            model = self._model_class = self.build(**self._stand_ins()).model
        return model

    def _stand_ins(self):
        return {
            name: _STAND_INS[kind](number)
            for number, (name, kind) in enumerate(sorted(self.kinds.items()), start=1)
        }

    def _compile(self, using):
        stand_ins = self._stand_ins()
        queryset = self.build(**stand_ins)
        self._model_class = queryset.model
        if queryset.query.select_related or queryset._prefetch_related_lookups:
            raise ValueError("A compiled query maps one model: no select_related, no prefetch.")
        sql, params = queryset.query.get_compiler(using=using).as_sql()
        ops = connections[using].ops
        # A value reaches the parameters as it is, or as the database's form of it (SQLite
        # takes a moment as text): the real value is put in the same form.
        by_form = {}
        for name, value in stand_ins.items():
            if isinstance(value, list):
                continue
            by_form[value] = (name, _as_is)
            if isinstance(value, datetime.datetime):
                by_form[ops.adapt_datetimefield_value(value)] = (
                    name,
                    ops.adapt_datetimefield_value,
                )
        lists = {id(value): name for name, value in stand_ins.items() if isinstance(value, list)}
        # A list is an array on PostgreSQL, JSON elsewhere (IdList).
        as_list = _as_is if connections[using].vendor == "postgresql" else json.dumps
        slots = [
            (index, *by_form[param])
            if _hashable(param) and param in by_form
            else (index, lists[id(param)], as_list)
            for index, param in enumerate(params)
            if (_hashable(param) and param in by_form) or id(param) in lists
        ]
        missing = set(stand_ins) - {name for _, name, _ in slots}
        if missing:
            raise ValueError(f"These values never reach the SQL as parameters: {sorted(missing)}.")
        for name, value in stand_ins.items():
            if isinstance(value, (int, str)) and str(value) in sql:
                raise ValueError(f"The value {name!r} is written into the SQL itself.")
        return sql, tuple(params), slots


class IdList(Expression):
    """A list of ids as one parameter, for filter(pk__in=IdList(ids)) in a compiled query
    (a `list` value): the SQL is the same however many ids a call gives. An array on
    PostgreSQL, a JSON array elsewhere (SQLite's json_each)."""

    output_field = BigIntegerField()

    def __init__(self, ids):
        super().__init__()
        self.ids = ids

    def as_sql(self, compiler, connection):
        if connection.vendor == "postgresql":
            return "(SELECT unnest(%s::bigint[]))", [self.ids]
        return "(SELECT value FROM json_each(%s))", [self.ids]


# Every compiled query of the process, for compile_all().
_ALL = weakref.WeakSet()


def compile_all(using):
    """Compile every compiled query made so far for this database (newsroom/warmup.py).

    Each is tried; the first error, if any, is raised once all were.
    """
    vendor = connections[using].vendor
    errors = []
    for query in list(_ALL):
        if query.vendor in (None, vendor):
            try:
                query.compile(using)
            except Exception as error:
                errors.append(error)
    if errors:
        raise errors[0]


class _CompiledRawQuerySet(RawQuerySet):
    """The rows of a compiled query, whose columns map to the model the same way every run.

    A RawQuerySet works that mapping out again on each run, from the cursor's description
    of the columns: for a query of a few rows, most of the CPU it spends. Here it is worked
    out on the first run per database and kept in the compiled query's `mappings`.
    """

    mappings = None

    def _clone(self):
        clone = super()._clone()
        clone.mappings = self.mappings
        return clone

    def _mapping(self):
        mapping = self.mappings.get(self.db)
        if mapping is None:
            # The first run: RawQuerySet's own mapping, from the query's cursor.
            plain = RawQuerySet(
                self.raw_query, model=self.model, query=self.query, params=self.params,
                using=self.db,
            )  # fmt: skip
            mapping = (plain.columns, plain.model_fields, plain.resolve_model_init_order())
            self.mappings[self.db] = mapping
        return mapping

    @cached_property
    def columns(self):
        return self._mapping()[0]

    @cached_property
    def model_fields(self):
        return self._mapping()[1]

    def resolve_model_init_order(self):
        return self._mapping()[2]


class _PreparedRawQuery(RawQuery):
    """A raw query that PostgreSQL runs as a prepared statement where the connection allows.

    The connection's `prepare_threshold` (settings.DATABASES) says whether it does: psycopg
    prepares a statement of a server-side binding cursor on its first run, and never one
    of the client-side binding cursors Django uses for every other query.
    """

    def clone(self, using):
        return _PreparedRawQuery(self.sql, using, params=self.params)

    def _execute_query(self):
        connection = connections[self.using]
        if connection.vendor != "postgresql":
            return super()._execute_query()
        # Django's cursor (its health check, query logging and error wrapping) around a
        # server-side binding cursor of the same connection.
        self.cursor = connection.cursor()
        self.cursor.cursor.close()
        self.cursor.cursor = _server_binding_cursor(connection)
        self.cursor.execute(self.sql, self.params)


def _server_binding_cursor(connection):
    """What DatabaseWrapper.create_cursor() makes, with server-side binding."""
    from django.db.backends.postgresql.base import TIMESTAMPTZ_OID, ServerBindingCursor
    from django.db.backends.postgresql.psycopg_any import register_tzloader
    from psycopg.pq import Format

    cursor = ServerBindingCursor(connection.connection)
    loader = connection.connection.adapters.get_loader(TIMESTAMPTZ_OID, Format.TEXT)
    if connection.timezone != loader.timezone:
        register_tzloader(connection.timezone, cursor)
    return cursor


def _as_is(value):
    return value


def _hashable(value):
    try:
        hash(value)
    except TypeError:
        return False
    return True

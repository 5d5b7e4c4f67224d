"""Queries compiled to SQL once per process, then run with the values of each request.

Building a QuerySet and compiling it to SQL costs more CPU than the database takes to
answer the small index lookups of a reader page: about 1 ms to compile the article page's
lookup of its row, against 0.1 ms for PostgreSQL to answer it, and 3 ms for the related
stories' query. A query whose shape never changes, only its values (an id, a slug, the
moment that says what is public), is compiled once per database and run again with the new
values, as a raw query of the same model.
"""

import datetime
import threading

from django.db import connections, router

# Stand-ins a real value never equals: each is found again in the compiled parameters and
# replaced there by the value of the call.
_STAND_INS = {
    int: lambda n: -7_340_000_000 - n,
    str: lambda n: f"\x1fstand-in-{n}\x1f",
    datetime.datetime: lambda n: datetime.datetime(1901, 2, 3, 4, 5, 6, n, tzinfo=datetime.UTC),
}


class CompiledQuery:
    """`build(**values)` -> QuerySet, compiled once per database, run with other values.

    `kinds` names each value's type (int, str or datetime). The QuerySet may filter,
    annotate, order, slice and defer; it must not select related rows (a raw query maps
    columns to one model) nor prefetch. Every value must reach the SQL as a parameter:
    compiling fails loudly if one is missing, or if a value moves into the SQL text.
    """

    def __init__(self, build, **kinds):
        self.build = build
        self.kinds = kinds
        self._compiled = {}
        self._lock = threading.Lock()

    def raw(self, **values):
        """The rows, as a RawQuerySet of the QuerySet's model (instances, annotations)."""
        if values.keys() != self.kinds.keys():
            raise TypeError(f"Expected the values {sorted(self.kinds)}, got {sorted(values)}.")
        model = self._model()
        using = router.db_for_read(model)
        compiled = self._compiled.get(using)
        if compiled is None:
            with self._lock:
                compiled = self._compiled.get(using) or self._compile(using)
                self._compiled[using] = compiled
        sql, params, slots = compiled
        params = list(params)
        for index, name, adapt in slots:
            params[index] = adapt(values[name])
        return model.objects.raw(sql, params).using(using)

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
        if queryset.query.select_related or queryset._prefetch_related_lookups:
            raise ValueError("A compiled query maps one model: no select_related, no prefetch.")
        sql, params = queryset.query.get_compiler(using=using).as_sql()
        ops = connections[using].ops
        # A value reaches the parameters as it is, or as the database's form of it (SQLite
        # takes a moment as text): the real value is put in the same form.
        by_form = {}
        for name, value in stand_ins.items():
            by_form[value] = (name, _as_is)
            if isinstance(value, datetime.datetime):
                by_form[ops.adapt_datetimefield_value(value)] = (
                    name,
                    ops.adapt_datetimefield_value,
                )
        slots = [
            (index, *by_form[param])
            for index, param in enumerate(params)
            if _hashable(param) and param in by_form
        ]
        missing = set(stand_ins) - {name for _, name, _ in slots}
        if missing:
            raise ValueError(f"These values never reach the SQL as parameters: {sorted(missing)}.")
        for name, value in stand_ins.items():
            if isinstance(value, (int, str)) and str(value) in sql:
                raise ValueError(f"The value {name!r} is written into the SQL itself.")
        return sql, tuple(params), slots


def _as_is(value):
    return value


def _hashable(value):
    try:
        hash(value)
    except TypeError:
        return False
    return True

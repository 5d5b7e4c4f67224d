"""Moving a WordPress site in: its export file read, its posts converted, its URLs kept.

Other apps take part in an import without articles knowing them. The importer works through
the file in batches of items, one transaction per batch; a handler registered with
`register_batch_handler` is called once per batch with every item and the article it
became, after the importer has written its own part and inside the batch's transaction (the
comments app imports the batch's comments so, with a few statements for the whole batch).
A handler registered with `register_handler` is called once per item, in the same place.
Handlers that write without the models' signals name the page-cache versions they move with
`run.touch(...)`: the batch moves them all in one invalidation; those that write in bulk name
the models with `run.wrote(Model)`, whose tables are analysed at the end (`analyze_tables`).
When a batch fails, it is undone and imported again one item per transaction, so handlers
must not keep anything of a batch outside the database before it commits.
"""

from django.db import connection

_handlers = []
_batch_handlers = []


def register_handler(handler):
    """Add `handler(*, item, article, run)` to every import; returns it (usable as a decorator).

    `item` is the wxr.Item, `article` the Article it became (None when the item was not an
    article: a page, an attachment, a post left out), `run` the importer.ImportRun with the
    site key, options and counters. Registering the same function twice adds it once.
    """
    return _add(_handlers, handler)


def unregister_handler(handler):
    _remove(_handlers, handler)


def item_handlers():
    return tuple(_handlers)


def register_batch_handler(handler):
    """Add `handler(*, items, run)` to every import, called once per batch of items.

    `items` is a list of (wxr.Item, Article or None) pairs in the file's order, as for
    `register_handler`; the articles are saved and have their keys.
    """
    return _add(_batch_handlers, handler)


def unregister_batch_handler(handler):
    _remove(_batch_handlers, handler)


def batch_handlers():
    return tuple(_batch_handlers)


def _add(handlers, handler):
    if handler not in handlers:
        handlers.append(handler)
    return handler


def _remove(handlers, handler):
    if handler in handlers:
        handlers.remove(handler)


def analyze_tables(models) -> None:
    """Fresh planner statistics for the tables an import filled (PostgreSQL).

    Bulk inserts leave them as they were until autovacuum comes by, and until then the
    planner takes a table of thousands of rows for an empty one. SQLite plans without.
    """
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for table in sorted({model._meta.db_table for model in models}):
            cursor.execute(f"ANALYZE {connection.ops.quote_name(table)}")

"""Moving a WordPress site in: its export file read, its posts converted, its URLs kept.

Other apps take part in an import without articles knowing them: a handler registered with
`register_handler` is called for every item of the file, after the importer has done its
own part, inside the item's transaction (the comments app imports the item's comments so).
"""

_handlers = []


def register_handler(handler):
    """Add `handler(*, item, article, run)` to every import; returns it (usable as a decorator).

    `item` is the wxr.Item, `article` the Article it became (None when the item was not an
    article: a page, an attachment, a post left out), `run` the importer.ImportRun with the
    site key, options and counters. Registering the same function twice adds it once.
    """
    if handler not in _handlers:
        _handlers.append(handler)
    return handler


def unregister_handler(handler):
    if handler in _handlers:
        _handlers.remove(handler)


def item_handlers():
    return tuple(_handlers)

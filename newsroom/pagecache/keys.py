"""Surrogate keys: what a cacheable page shows, named for the front caches in front of us.

A reader view declares the things its page shows with ``tag_response(request, *keys)``;
``public_page`` writes them, with ``site`` (the navigation on every page), in an ``xkey``
header (Varnish's xkey vmod) and a ``Surrogate-Key`` header (CDNs such as Fastly). A purge
of a key then drops every page that carries it (see ``purge``).

Pages that depend on a version (``depends_on``) carry that version's key by themselves, so
every change that moves a version purges exactly the pages that show it.
"""

SITE = "site"
# Parts of every page that change far less often than the site's stories: the sections of
# the navigation and the discussion settings. touch() moves the site's version with either
# (so the site's is never older than theirs); what is kept of them alone (the list of
# sections, the settings) depends on theirs only, so a page rendered again after a story
# changed does not read them again.
SECTIONS = "sections"
DISCUSSION = "discussion"
WITH_SITE = (SECTIONS, DISCUSSION)
# The versions every reader page reads, in one round trip.
EVERY_PAGE = (SITE, *WITH_SITE)
FRONT = "front"
HEADERS = ("xkey", "Surrogate-Key")


def article(pk) -> str:
    return f"article:{pk}"


def section(pk) -> str:
    return f"section:{pk}"


def tag(pk) -> str:
    return f"tag:{pk}"


def author(pk) -> str:
    return f"author:{pk}"


def thread(pk) -> str:
    return f"thread:{pk}"


def surrogate_key(name: str) -> str:
    """The surrogate key of the pages that depend on the version ``name``.

    An article's own version moves with its comment thread (an edit of the article moves
    the site's version), so the pages that depend on it are those that show the thread.
    """
    kind, _, pk = name.partition(":")
    return thread(pk) if kind == "article" and pk else name


def tag_response(request, *keys: str) -> None:
    """The page being rendered shows these things (articles, sections, authors, tags...)."""
    if request is None:
        return
    found = request.__dict__.setdefault("surrogate_keys", set())
    found.update(key for key in keys if key)


def response_keys(request) -> str:
    """The header value for this request's page: ``site`` first, then the rest in order."""
    keys = getattr(request, "surrogate_keys", set()) - {SITE}
    return " ".join([SITE, *sorted(keys, key=_order)])


def _order(key: str):
    kind, _, pk = key.partition(":")
    return (kind, int(pk) if pk.isdigit() else 0, pk)

"""Who has an article open in the admin: heartbeats kept in the shared cache, briefly.

Each open change page reports every ~30 seconds; an entry not refreshed for two minutes is
gone. One cache key per person and article holds when they opened it and when they were
last seen, and one key per article lists who has reported. Two heartbeats racing on that
list can drop a name until its owner's next heartbeat, which is fine for a hint.
"""

import datetime

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

PREFIX = "articles:presence"


def heartbeat_seconds() -> int:
    """How often an open change page reports that it is still open."""
    return getattr(settings, "ARTICLE_PRESENCE_HEARTBEAT_SECONDS", 30)


def expiry_seconds() -> int:
    """How long after its last report a page counts as closed."""
    return getattr(settings, "ARTICLE_PRESENCE_EXPIRY_SECONDS", 120)


def _list_key(article_id):
    return f"{PREFIX}:{article_id}"


def _entry_key(article_id, user_id):
    return f"{PREFIX}:{article_id}:{user_id}"


def display_name(user):
    return user.get_full_name() or user.get_username()


def heartbeat(*, user, article, now=None) -> list[dict]:
    """Record that this user has the article open; return the others who have it open."""
    now = now or timezone.now()
    ttl = expiry_seconds()
    key = _entry_key(article.pk, user.pk)
    entry = cache.get(key)
    since = entry["since"] if entry else now
    cache.set(key, {"name": display_name(user), "since": since, "last_seen": now}, ttl)
    ids = set(cache.get(_list_key(article.pk)) or ()) | {user.pk}
    others = _present(article.pk, ids, now)
    cache.set(_list_key(article.pk), sorted({user.pk, *(o["user_id"] for o in others)}), ttl)
    return [other for other in others if other["user_id"] != user.pk]


def leave(*, user, article):
    cache.delete(_entry_key(article.pk, user.pk))


def _present(article_id, ids, now):
    keys = {_entry_key(article_id, user_id): user_id for user_id in ids}
    oldest = now - datetime.timedelta(seconds=expiry_seconds())
    present = []
    for key, entry in cache.get_many(keys).items():
        if entry["last_seen"] >= oldest:
            present.append({**entry, "user_id": keys[key]})
    return sorted(present, key=lambda entry: entry["since"])

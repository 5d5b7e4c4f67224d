"""The query parameters reader pages understand, as the apps that serve them register them.

A page asked for with a parameter nobody registered is answered but never stored, so made-up
parameters cannot fill the cache. A private parameter makes the answer the visitor's own
(a poster's view right after they post, with their private link in it).
"""

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

_cached: set[str] = set()
_private: set[str] = set()


def register_parameters(*, cached=(), private=()) -> None:
    """Declare query parameters of an app's reader pages (call it from AppConfig.ready())."""
    if isinstance(cached, str) or isinstance(private, str):
        raise TypeError("register_parameters() takes collections of names, not a string.")
    both = (_cached | set(cached)) & (_private | set(private))
    if both:
        raise ImproperlyConfigured(
            f"Query parameters cannot be both cached and private: {', '.join(sorted(both))}."
        )
    _cached.update(cached)
    _private.update(private)


def cached_parameters() -> frozenset[str]:
    return frozenset(_cached)


def private_parameters() -> frozenset[str]:
    return frozenset(_private)


def only_cached_parameters(request) -> bool:
    return _cached.issuperset(request.GET)


def is_personal(request) -> bool:
    """Whether the answer is this visitor's own: a staff session, or a private parameter."""
    return settings.SESSION_COOKIE_NAME in request.COOKIES or not _private.isdisjoint(request.GET)

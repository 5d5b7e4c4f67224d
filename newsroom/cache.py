"""A Redis cache that a Redis outage slows down instead of breaking.

Everything the project keeps in the cache can be computed again from the database (pages,
discussion settings, page versions) or is a limit that may lapse for a while (comment rate
limits). So when Redis does not answer, a read is a miss, a write is skipped and a counter
lets the request through; each is logged. After a failure Redis is left alone for
RETRY_AFTER seconds, so a dead server costs one short timeout per process, not one per call.
"""

import logging
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

UNAVAILABLE = (RedisConnectionError, RedisTimeoutError, OSError)


class ReusedClientRedisCacheClient(RedisCacheClient):
    """Django's Redis client, with one redis.Redis per connection pool instead of one per call.

    Making a redis.Redis fills its table of some 170 reply parsers, which cost more CPU than
    the command it sends: a page that reads and keeps five parts paid it a dozen times. A
    redis.Redis only borrows a connection from its pool for each command, so one per pool
    serves every call (and the cache object it belongs to is the thread's own).
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(pool)
        if client is None:
            client = self._clients[pool] = self._client(connection_pool=pool)
        return client


class ResilientRedisCache(RedisCache):
    RETRY_AFTER = 5.0

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusedClientRedisCacheClient
        self._down_until = 0.0

    @property
    def available(self) -> bool:
        """False while Redis is known not to answer (the health check reports it)."""
        return time.monotonic() >= self._down_until

    def _call(self, name, fallback, *args, **kwargs):
        if not self.available:
            return fallback
        try:
            return getattr(super(), name)(*args, **kwargs)
        except UNAVAILABLE as error:
            self._down_until = time.monotonic() + self.RETRY_AFTER
            logger.warning(
                "Redis cache unavailable (%s); serving without it for %ss.",
                error,
                self.RETRY_AFTER,
            )
            return fallback

    def get(self, key, default=None, version=None):
        return self._call("get", default, key, default, version)

    def get_many(self, keys, version=None):
        return self._call("get_many", {}, keys, version)

    def has_key(self, key, version=None):
        return self._call("has_key", False, key, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("set", None, key, value, timeout, version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("set_many", list(data), data, timeout, version)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        # True: "it was not there", so a rate limit built on add() lets the request through.
        return self._call("add", True, key, value, timeout, version)

    def incr(self, key, delta=1, version=None):
        # As if the counter had just started (decr() comes here too): limits built on
        # counters let the request through.
        return self._call("incr", delta, key, delta, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("touch", False, key, timeout, version)

    def delete(self, key, version=None):
        return self._call("delete", False, key, version)

    def delete_many(self, keys, version=None):
        return self._call("delete_many", None, keys, version)

    def clear(self):
        return self._call("clear", None)

"""Reads from PostgreSQL read replicas, for reader pages only.

With DATABASE_REPLICA_URLS set, settings.py adds one database alias per replica
(``replica1``, ``replica2``...) and installs ``ReplicaRouter``. What may read from a replica
is decided per request by ``newsroom.replica_middleware``, which sets ``reads`` for the
request; everything else reads from the primary (``default``): management commands, the
task worker, the admin, unsafe requests, and whatever runs inside a transaction.

A replica that cannot be reached is skipped for DATABASE_REPLICA_RETRY_SECONDS: the
connection is tried once, with the bounded connect timeout of its alias, and the reads go to
the primary (or another replica) instead. Readers get their page either way.
"""

import itertools
import logging
import threading
import time
from contextvars import ContextVar
from dataclasses import dataclass

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections

logger = logging.getLogger(__name__)

REPLICA_PREFIX = "replica"


def replica_aliases() -> list[str]:
    """The database aliases settings.py made from DATABASE_REPLICA_URLS, in order."""
    return [alias for alias in settings.DATABASES if alias.startswith(REPLICA_PREFIX)]


def routing_enabled() -> bool:
    return f"{__name__}.ReplicaRouter" in settings.DATABASE_ROUTERS and bool(replica_aliases())


@dataclass
class Reads:
    """Where the current request reads from.

    ``alias`` is the replica picked for it, or ``default`` when it must see the primary.
    The replica is checked once, on the request's first read, and replaced by the primary
    (or another replica) when it does not answer.
    """

    alias: str = DEFAULT_DB_ALIAS
    checked: bool = False

    @property
    def from_primary(self) -> bool:
        return self.alias == DEFAULT_DB_ALIAS


# Unset (None) outside requests the middleware lets read from a replica: everything there
# reads from the primary.
reads: ContextVar[Reads | None] = ContextVar("newsroom_reads", default=None)

_turns = itertools.count()
_down_until: dict[str, float] = {}
_down_lock = threading.Lock()


def pick_replica() -> str:
    """The next replica in turn (round-robin per process), skipping those known to be down."""
    aliases = replica_aliases()
    if not aliases:
        return DEFAULT_DB_ALIAS
    start = next(_turns)
    now = time.monotonic()
    for offset in range(len(aliases)):
        alias = aliases[(start + offset) % len(aliases)]
        if _down_until.get(alias, 0) <= now:
            return alias
    return DEFAULT_DB_ALIAS


def mark_down(alias: str) -> None:
    """Send no reads to this replica for the next DATABASE_REPLICA_RETRY_SECONDS."""
    with _down_lock:
        _down_until[alias] = time.monotonic() + settings.DATABASE_REPLICA_RETRY_SECONDS
    connections[alias].close()


def is_down(alias: str) -> bool:
    return _down_until.get(alias, 0) > time.monotonic()


def forget_failures() -> None:
    """Treat every replica as up again (tests, and operators who restarted one)."""
    with _down_lock:
        _down_until.clear()


def _reachable(alias: str) -> bool:
    connection = connections[alias]
    try:
        # Persistent connections are health-checked once per request by Django when a
        # cursor is first made; doing it here lets a broken one fall back instead of failing.
        connection.close_if_health_check_failed()
        connection.ensure_connection()
    except DatabaseError as error:
        logger.warning(
            "Read replica %s is unreachable (%s); reading from the primary.", alias, error
        )
        mark_down(alias)
        return False
    return True


def _usable(current: Reads) -> str:
    alias = current.alias
    tried = set()
    while alias != DEFAULT_DB_ALIAS and alias not in tried:
        tried.add(alias)
        if not is_down(alias) and _reachable(alias):
            return alias
        alias = pick_replica()
    return DEFAULT_DB_ALIAS


class ReplicaRouter:
    """Reader requests read from a replica; writes and everything else use the primary."""

    def db_for_read(self, model, **hints):
        current = reads.get()
        if current is None or current.from_primary:
            return DEFAULT_DB_ALIAS
        # Inside a transaction on the primary, reads must see what it wrote so far.
        if connections[DEFAULT_DB_ALIAS].in_atomic_block:
            return DEFAULT_DB_ALIAS
        # Related rows of an object read from the primary come from the primary too.
        instance = hints.get("instance")
        if instance is not None and instance._state.db == DEFAULT_DB_ALIAS:
            return DEFAULT_DB_ALIAS
        if not current.checked:
            current.alias = _usable(current)
            current.checked = True
        return current.alias

    def db_for_write(self, model, **hints):
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        # The replicas hold the primary's rows: an object read from one may point to one
        # read from another.
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        # Replicas copy the primary's schema; they are never migrated themselves.
        return db == DEFAULT_DB_ALIAS

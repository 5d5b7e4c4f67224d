"""Purges by surrogate key at the front caches (Varnish with xkey), sent in the background.

After a change commits, ``purge(*keys)`` hands the keys to one worker thread per process,
which sends ``PURGE /`` with an ``xkey-purge: key1 key2`` header to each front cache named
in the ``FRONT_CACHES`` setting (none: nothing is sent). The request that made the change
never waits for a front cache.

A purge that cannot be delivered (the cache is down, restarting, or refuses us) is logged
at warning on each failure and tried again with a growing delay; it is logged at error when
it has failed for ``error_after`` seconds, and dropped, with an error, only after
``max_age`` seconds, when the pages it was for have long expired from the front cache.

Each purge is sent a second time ``repeat_after`` seconds later: a page rendered from the
data of just before the change, by a request that was already under way, may reach the
front cache after the first purge; the second one drops it.
"""

import atexit
import http.client
import logging
import os
import threading
import time
import urllib.parse
from dataclasses import dataclass, field

from django.conf import settings

from .keys import SITE

logger = logging.getLogger("newsroom.pagecache")

# The keys of one request, kept well below the header sizes caches accept.
KEYS_PER_REQUEST = 100


@dataclass
class _Job:
    url: str
    keys: frozenset
    due: float
    created: float
    attempts: int = 0
    reported: bool = field(default=False)


class Purger:
    """A queue of purges and the thread that sends them, retrying until delivered."""

    def __init__(
        self,
        *,
        timeout=2.0,
        repeat_after=2.0,
        error_after=30.0,
        max_age=24 * 60 * 60.0,
        max_delay=30.0,
        max_jobs=1000,
    ):
        self.timeout = timeout
        self.repeat_after = repeat_after
        self.error_after = error_after
        self.max_age = max_age
        self.max_delay = max_delay
        self.max_jobs = max_jobs
        self._jobs: list[_Job] = []
        self._sending = 0
        self._condition = threading.Condition()
        self._thread = None
        self._pid = None

    def submit(self, keys, caches=None) -> None:
        if caches is None:
            caches = getattr(settings, "FRONT_CACHES", ())
        caches = list(caches)
        keys = frozenset(keys)
        if not caches or not keys:
            return
        now = time.monotonic()
        with self._condition:
            for url in caches:
                failing = next((j for j in self._jobs if j.url == url and j.attempts), None)
                if failing is not None:
                    # The cache is not answering: the keys wait with what it has missed, and
                    # go with it at the next try.
                    failing.keys |= keys
                    continue
                self._jobs.append(_Job(url, keys, due=now, created=now))
                if self.repeat_after:
                    later = now + self.repeat_after
                    self._jobs.append(_Job(url, keys, due=later, created=later))
            self._bound()
            self._start()
            self._condition.notify_all()

    def pending(self) -> int:
        with self._condition:
            return len(self._jobs) + self._sending

    def wait_idle(self, timeout: float) -> bool:
        """Wait until every purge was delivered or dropped; whether it happened in time."""
        deadline = time.monotonic() + timeout
        with self._condition:
            while self._jobs or self._sending:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._condition.wait(left)
        return True

    def clear(self) -> None:
        """Forget every queued purge (tests)."""
        with self._condition:
            self._jobs.clear()
            self._condition.notify_all()

    def _bound(self) -> None:
        # Far too many waiting purges (a cache down for long under heavy editing): one purge
        # of the whole site per cache replaces them, so none is lost and memory stays small.
        if len(self._jobs) <= self.max_jobs:
            return
        merged = {}
        for job in self._jobs:
            first = merged.get(job.url)
            if first is None or job.created < first.created:
                merged[job.url] = job
        now = time.monotonic()
        self._jobs = [
            _Job(url, frozenset([SITE]), due=now, created=job.created, attempts=job.attempts)
            for url, job in merged.items()
        ]
        logger.warning("Too many purges waiting; purging the whole site at each front cache.")

    def _start(self) -> None:
        if self._thread is not None and self._thread.is_alive() and self._pid == os.getpid():
            return
        # A new process (gunicorn forks its workers) has none of its parent's threads.
        self._pid = os.getpid()
        self._thread = threading.Thread(target=self._run, name="front-cache-purge", daemon=True)
        self._thread.start()

    def _next_batch(self):
        with self._condition:
            while True:
                now = time.monotonic()
                due = [job for job in self._jobs if job.due <= now]
                if due:
                    break
                wait = min(job.due for job in self._jobs) - now if self._jobs else None
                self._condition.wait(wait)
            url = due[0].url
            batch = [job for job in due if job.url == url]
            for job in batch:
                self._jobs.remove(job)
            self._sending += 1
            return url, batch

    def _run(self) -> None:
        while True:
            url, batch = self._next_batch()
            try:
                keys = frozenset().union(*(job.keys for job in batch))
                error = self._send(url, keys)
            except Exception as exc:  # never let the thread die
                error = repr(exc)
            with self._condition:
                self._sending -= 1
                if error is not None:
                    self._retry(url, batch, error)
                self._condition.notify_all()

    def _retry(self, url, batch, error) -> None:
        # What failed together is tried again together, with what joined it meanwhile.
        failing = [job for job in self._jobs if job.url == url and job.attempts]
        for job in failing:
            self._jobs.remove(job)
        batch = batch + failing
        job = _Job(
            url,
            frozenset().union(*(job.keys for job in batch)),
            due=0,
            created=min(job.created for job in batch),
            attempts=max(job.attempts for job in batch) + 1,
            reported=any(job.reported for job in batch),
        )
        now = time.monotonic()
        age = now - job.created
        names = " ".join(sorted(job.keys))
        logger.warning("Could not purge %s at %s (attempt %d): %s", names, url, job.attempts, error)
        if age >= self.max_age:
            logger.error(
                "Gave up purging %s at %s after %d attempts over %.0f s: %s",
                names, url, job.attempts, age, error,
            )  # fmt: skip
            return
        if age >= self.error_after and not job.reported:
            job.reported = True
            logger.error("Purging %s at %s has failed for %.0f s; still trying.", names, url, age)
        job.due = now + min(self.max_delay, 0.25 * 2**job.attempts)
        self._jobs.append(job)

    def _send(self, url, keys):
        """None when the cache purged the keys, otherwise what went wrong."""
        # The whole site's key is on every page: nothing else needs naming with it.
        names = [SITE] if SITE in keys else sorted(keys)
        parts = urllib.parse.urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            return f"{url!r} is not an http(s) URL"
        kind = http.client.HTTPConnection
        if parts.scheme == "https":
            kind = http.client.HTTPSConnection
        for start in range(0, len(names), KEYS_PER_REQUEST):
            header = " ".join(names[start : start + KEYS_PER_REQUEST])
            connection = kind(parts.hostname, parts.port, timeout=self.timeout)
            try:
                connection.request("PURGE", parts.path or "/", headers={"xkey-purge": header})
                response = connection.getresponse()
                response.read()
            except OSError as exc:
                return f"{type(exc).__name__}: {exc}"
            finally:
                connection.close()
            if response.status != 200:
                return f"answered {response.status} {response.reason}"
        return None


purger = Purger()


def purge(*keys: str, caches=None) -> None:
    """Drop the pages carrying any of these keys from the front caches (in the background)."""
    purger.submit(keys, caches)


@atexit.register
def _drain():
    # A process that stops (a redeploy) gets a moment to send what it still holds.
    if purger.pending():
        purger.wait_idle(2.0)

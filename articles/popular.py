"""What readers read: an anonymous ping per page view, counted, folded, and listed.

An article page loads static/js/reads.js, which sends one `navigator.sendBeacon` POST with
the article's id to `record_read`. No cookie is read or set and nothing about the reader is
stored: the client's address is used only for a per-minute rate limit in the cache, under a
key that expires within two minutes. The count waits in the shared cache (a Redis hash, one
HINCRBY per read) and `fold_reads()` adds what is waiting to `ArticleReadCount`, one row per
story and hour; the endpoint runs it itself at most once every FOLD_SECONDS, and
`manage.py fold_read_counts` does the same from a scheduler.

The "Most read" list is one query over those rows, remembered through the page cache for
a few minutes at a time, so the reader pages that show it stay the same for everyone and
fully cacheable.
"""

import datetime
import logging
import threading
import time
from collections import Counter
from functools import partial

from django.core.cache import cache
from django.core.cache.backends.redis import RedisCache
from django.db import IntegrityError, transaction
from django.db.models import F, Sum
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from newsroom import pagecache
from newsroom.compiled import CompiledQuery
from newsroom.http import client_ip

from .models import Article, ArticleReadCount

logger = logging.getLogger(__name__)

# Pings one address may send in a minute; a reader opens far fewer pages than that.
READS_PER_MINUTE = 30
# How often the endpoint folds what is waiting into the database, at most.
FOLD_SECONDS = 60
# Hourly rows older than this are no longer needed by any list and are removed on a fold.
KEEP_DAYS = 30
MOST_READ_HOURS = 24
MOST_READ_SIZE = 5
LATEST_SIZE = 5
# The sidebar is rendered again at least this often, so "Most read" follows the counts.
SIDEBAR_SECONDS = 300

_PENDING = "reads:pending"
_ARTICLE_ID_MAX = 2**63 - 1


class _LocalPending:
    """Counts waiting in this process, for caches that are not Redis (development, tests)."""

    def __init__(self):
        self.counts = Counter()
        self.lock = threading.Lock()

    def add(self, article_id):
        with self.lock:
            self.counts[article_id] += 1

    def take(self):
        with self.lock:
            counts, self.counts = self.counts, Counter()
        return counts


_local = _LocalPending()


def _redis():
    """The Redis client behind the default cache, or None when the cache is not Redis."""
    if isinstance(cache, RedisCache):
        return cache._cache.get_client(write=True)
    return None


def add_read(article_id: int) -> None:
    """One read of this story, waiting to be folded into the database."""
    client = _redis()
    if client is None:
        _local.add(article_id)
        return
    try:
        client.hincrby(cache.make_key(_PENDING), str(article_id), 1)
    except Exception:
        logger.warning("The cache is unreachable; a read of article %s is not counted.", article_id)


def _take_pending() -> Counter:
    client = _redis()
    if client is None:
        return _local.take()
    key = cache.make_key(_PENDING)
    taken = f"{key}:folding:{time.time_ns()}"
    try:
        # RENAME is atomic: reads arriving from now on start a new hash.
        client.rename(key, taken)
    except Exception:
        # No hash (nothing was read since the last fold) or no Redis: nothing to fold.
        return Counter()
    try:
        raw = client.hgetall(taken)
        client.delete(taken)
    except Exception:
        logger.warning("The cache failed while folding read counts.")
        return Counter()
    return Counter({int(pk): int(count) for pk, count in raw.items()})


def fold_reads(*, now=None) -> int:
    """Add the reads waiting in the cache to this hour's rows; returns how many were added."""
    counts = _take_pending()
    now = now or timezone.now()
    hour = now.replace(minute=0, second=0, microsecond=0)
    existing = set(Article.objects.filter(pk__in=list(counts)).values_list("pk", flat=True))
    added = 0
    for article_id, count in sorted(counts.items()):
        if article_id not in existing:
            continue  # deleted since it was read
        _add_to_row(article_id=article_id, hour=hour, count=count)
        added += count
    ArticleReadCount.objects.filter(hour__lt=hour - datetime.timedelta(days=KEEP_DAYS)).delete()
    return added


def _add_to_row(*, article_id, hour, count):
    rows = ArticleReadCount.objects.filter(article_id=article_id, hour=hour)
    if rows.update(count=F("count") + count):
        return
    try:
        with transaction.atomic():
            ArticleReadCount.objects.create(article_id=article_id, hour=hour, count=count)
    except IntegrityError:
        # Another server created the row in the meantime.
        rows.update(count=F("count") + count)


def _readable(article_id: int) -> bool:
    """Whether readers can see this story; a yes is remembered for an hour."""
    key = f"reads:public:{article_id}"
    if cache.get(key):
        return True
    if Article.objects.public().filter(pk=article_id).exists():
        cache.set(key, True, timeout=3600)
        return True
    return False


def _over_limit(request) -> bool:
    address = client_ip(request) or "unknown"
    key = f"reads:rate:{address}:{int(time.time() // 60)}"
    cache.add(key, 0, timeout=120)
    try:
        return cache.incr(key) > READS_PER_MINUTE
    except ValueError:
        return False


def _plain(text, status):
    response = HttpResponse(text + "\n", status=status, content_type="text/plain; charset=utf-8")
    response["Cache-Control"] = "no-store"
    return response


# A beacon carries no CSRF token and needs none: it changes nothing but an anonymous
# counter, and the page that sends it is the same cached HTML for everyone.
@csrf_exempt
@require_POST
def record_read(request):
    """204 for a counted read; 400, 404 or 429 with the reason otherwise."""
    value = request.POST.get("article", "")
    if not value.isascii() or not value.isdigit() or not 0 < int(value) <= _ARTICLE_ID_MAX:
        return _plain("The article must be given as a positive whole number.", 400)
    if _over_limit(request):
        return _plain("Too many reads from this address; try again in a minute.", 429)
    article_id = int(value)
    if not _readable(article_id):
        return _plain("There is no public article with that id.", 404)
    add_read(article_id)
    if cache.add("reads:fold-due", 1, timeout=FOLD_SECONDS):
        try:
            fold_reads()
        except Exception:
            logger.exception("Folding read counts failed; they are tried again next time.")
    response = HttpResponse(status=204)
    response["Cache-Control"] = "no-store"
    return response


def _most_read(since, now, *, size):
    return (
        Article.objects.public(at=now)
        .filter(read_counts__hour__gte=since)
        .annotate(reads=Sum("read_counts__count"))
        .order_by("-reads", "-published_at", "-pk")
        .only("pk", "slug", "headline", "published_at", "first_published_at")[:size]
    )


def _latest(now, *, size):
    return (
        Article.objects.public(at=now)
        .newest_first()
        .only("pk", "slug", "headline", "published_at", "first_published_at")[:size]
    )


# Read again after every change of the site: compiled once per size (newsroom/compiled.py).
_MOST_READ = {}
_LATEST = {}


def most_read(*, now=None, hours=MOST_READ_HOURS, size=MOST_READ_SIZE):
    """The public stories read most in the last `hours`, in one query."""
    now = now or timezone.now()
    query = _MOST_READ.get(size)
    if query is None:
        query = _MOST_READ[size] = CompiledQuery(
            partial(_most_read, size=size), since=datetime.datetime, now=datetime.datetime
        )
    return list(query.raw(since=now - datetime.timedelta(hours=hours), now=now))


def latest(*, size=LATEST_SIZE):
    query = _LATEST.get(size)
    if query is None:
        query = _LATEST[size] = CompiledQuery(partial(_latest, size=size), now=datetime.datetime)
    return list(query.raw(now=timezone.now()))


def sidebar_html(request, *, with_latest=True):
    """The "Latest" and "Most read" lists of the listing pages, rendered once in a while.

    Kept through the page cache, so a page rendered again costs no query for them; the key
    moves every SIDEBAR_SECONDS as well, so "Most read" follows the folded counts.
    """
    bucket = int(time.time() // SIDEBAR_SECONDS)

    def render():
        return render_to_string(
            "includes/sidebar.html",
            {
                "latest": latest() if with_latest else [],
                "most_read": most_read(),
            },
        )

    kind = "full" if with_latest else "most-read"
    return pagecache.remember(f"sidebar:{kind}:{bucket}", render, request=request)

"""A WordPress post's comments imported with it (registered with articles.wordpress).

Threads keep their shape through wp:comment_parent; replies deeper than the discussion
settings allow join the thread at the deepest level, as new replies do. WordPress's
statuses map to ours (1 approved, 0 pending, spam, trash removed); pingbacks and trackbacks
are left out and counted. Every comment is keyed in WordPressLink, so importing again adds
only the comments that are new. A batch of posts' new comments is written with one insert
per thread level and one update, without the signals of a reader's comment (no emails go
out); the threads' pages are invalidated with the batch.
"""

import html
import ipaddress
import re
from datetime import UTC, datetime

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.db import connection
from django.utils import timezone

from articles.models import WordPressLink
from newsroom import pagecache, sanitize

from .models import Comment, DiscussionSettings

STATUSES = {
    "approved": Comment.Status.APPROVED,
    "pending": Comment.Status.PENDING,
    "spam": Comment.Status.SPAM,
    "trash": Comment.Status.REMOVED,
}
_BREAKS = re.compile(r"<br\s*/?>|</p>\s*<p[^>]*>", re.IGNORECASE)
_TAGS = re.compile(r"<[^>]*>")
_validate_email = EmailValidator()
_validate_url = URLValidator(schemes=["http", "https"])


def import_comments(*, items, run) -> None:
    """Import the comments of a batch of posts: a few statements whatever the batch's size.

    Parents are written before their replies: one insert per level of the threads (the
    rows of every post in the batch together), each level's parents known by then.
    """
    counts = run.summary.counts
    posts = []
    for item, article in items:
        if article is None or not item.comments:
            continue
        comments = []
        for wp_comment in item.comments:
            if wp_comment.is_ping:
                counts["pingbacks and trackbacks left out"] += 1
            elif wp_comment.id is None:
                counts["comments without an id left out"] += 1
            else:
                comments.append(wp_comment)
        if comments:
            posts.append((article, comments))
    if not posts:
        return
    discussion = run.cache.get("discussion")
    if discussion is None:
        discussion = run.cache["discussion"] = DiscussionSettings.load()
    placed_by_article = _already_imported(run, posts)
    # (level, WordPress comment, its row, the WordPress id of its parent, the post's placed).
    pending = []
    for article, comments in posts:
        # WordPress id -> (our pk, depth, our parent pk) of the post's comments already here.
        placed = placed_by_article.get(article.pk, {})
        if placed:
            counts["comments already imported"] += len(placed)
        tree = _Tree({c.id: c for c in comments}, placed, discussion.max_depth)
        for wp_comment in comments:
            if wp_comment.id in placed:
                continue
            parent = tree.parent(wp_comment.id)
            depth = tree.depth(wp_comment.id)
            if parent is not None and parent not in placed and tree.depth(parent) >= depth:
                # Only a loop of replies in the file gets here: it starts a thread instead.
                parent = None
            row = _comment(wp_comment, article, None, depth if parent is not None else 1)
            pending.append((depth, wp_comment, row, parent, placed))
    if not pending:
        return
    pending.sort(key=lambda entry: entry[0])
    # Inserting sets created_at to now; the old dates follow in one update.
    dates = [row.created_at for _level, _wp, row, _parent, _placed in pending]
    for level in sorted({entry[0] for entry in pending}):
        rows = []
        for depth, wp_comment, row, parent, placed in pending:
            if depth == level:
                row.parent_id = placed[parent][0] if parent is not None else None
                rows.append((wp_comment, row, placed))
        Comment.objects.bulk_create([row for _wp, row, _placed in rows])
        for wp_comment, row, placed in rows:
            placed[wp_comment.id] = (row.pk, row.depth, row.parent_id)
            counts[f"comments {row.status}"] += 1
    created = [row for _level, _wp, row, _parent, _placed in pending]
    for row, when in zip(created, dates, strict=True):
        row.created_at = when
    _write_dates(created)
    WordPressLink.objects.bulk_create(
        [
            WordPressLink(
                site=run.site, kind=WordPressLink.Kind.COMMENT, key=str(wp.id), object_id=row.pk
            )
            for _level, wp, row, _parent, _placed in pending
        ]
    )
    # Written without the signals of a reader's comment: the threads' pages change with the
    # batch's one invalidation.
    run.wrote(Comment)
    run.touch(*{pagecache.article(row.article_id) for row in created})


def _write_dates(rows) -> None:
    """Give the rows their old dates back, in one statement."""
    if connection.vendor != "postgresql":
        Comment.objects.bulk_update(rows, ["created_at"])
        return
    # bulk_update() builds a CASE with one WHEN per row, which costs more time in Python
    # than everything else of a comment's import; two arrays joined to the table cost none.
    table = connection.ops.quote_name(Comment._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET created_at = old.created_at "
            "FROM unnest(%s::bigint[], %s::timestamptz[]) AS old(id, created_at) "
            f"WHERE {table}.id = old.id",
            [[row.pk for row in rows], [row.created_at for row in rows]],
        )


def _already_imported(run, posts) -> dict[int, dict]:
    """Article pk -> {WordPress id: (pk, depth, parent pk)} of the comments imported before."""
    keys = [str(c.id) for _article, comments in posts for c in comments]
    linked = dict(
        WordPressLink.objects.filter(
            site=run.site, kind=WordPressLink.Kind.COMMENT, key__in=keys
        ).values_list("object_id", "key")
    )
    placed: dict[int, dict] = {}
    if not linked:
        return placed
    articles = [article.pk for article, _comments in posts]
    for pk, depth, parent, article_id in Comment.objects.filter(
        pk__in=linked, article__in=articles
    ).values_list("pk", "depth", "parent_id", "article_id"):
        placed.setdefault(article_id, {})[int(linked[pk])] = (pk, depth, parent)
    return placed


class _Tree:
    """Depths and parents of a post's comments, by WordPress id, within the allowed depth."""

    def __init__(self, by_id, placed, max_depth):
        self.by_id = by_id
        self.placed = placed
        self.max_depth = max_depth
        self.depths: dict[int, int] = {}

    def _wp_parent(self, comment_id):
        parent = self.by_id[comment_id].parent
        # A reply to a pingback, or to a comment not in the file, starts a thread.
        return parent if parent in self.by_id and parent != comment_id else None

    def depth(self, comment_id) -> int:
        chain = []
        current = comment_id
        while current not in self.depths:
            if current in self.placed:
                self.depths[current] = self.placed[current][1]
                break
            parent = self._wp_parent(current)
            if parent is None or parent in chain or len(chain) > 10_000:
                self.depths[current] = 1
                break
            chain.append(current)
            current = parent
        for child in reversed(chain):
            parent = self._wp_parent(child)
            self.depths[child] = min(self.depths[parent] + 1, self.max_depth)
        return self.depths[comment_id]

    def parent(self, comment_id):
        """The WordPress id of the comment it hangs under here (moved up when too deep)."""
        parent = self._wp_parent(comment_id)
        seen = set()
        while parent is not None and self.depth(parent) >= self.max_depth:
            seen.add(parent)
            above = self._wp_parent(parent)
            if above is None or above in seen:
                break
            parent = above
        return parent


def _comment(wp_comment, article, parent_pk, depth) -> Comment:
    body = _plain(wp_comment.content)
    email = wp_comment.author_email[:254]
    try:
        _validate_email(email)
    except ValidationError:
        email = ""
    url = wp_comment.author_url[:200]
    try:
        _validate_url(url)
    except ValidationError:
        url = ""
    try:
        address = str(ipaddress.ip_address(wp_comment.author_ip))
    except ValueError:
        address = None
    when = wp_comment.date_gmt or (
        timezone.make_aware(wp_comment.date) if wp_comment.date else datetime.now(UTC)
    )
    return Comment(
        article=article,
        parent_id=parent_pk,
        depth=depth,
        author_name=(_plain(wp_comment.author) or "Anonymous")[:100],
        author_email=email,
        author_url=url,
        body=body,
        body_html=str(sanitize.render_comment_text(body)),
        status=STATUSES[wp_comment.status],
        created_at=when,
        ip_address=address,
    )


def _plain(text: str) -> str:
    text = _BREAKS.sub("\n\n", text or "")
    return html.unescape(_TAGS.sub("", text)).strip()

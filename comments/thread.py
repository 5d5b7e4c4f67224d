"""A discussion assembled in Python from one query of its comments."""

from dataclasses import dataclass, field

from django.conf import settings
from django.core import signing
from django.core.paginator import Paginator

from .models import Comment, DiscussionSettings

PENDING_SALT = "comments.pending"


def pending_token(comment: Comment) -> str:
    return signing.dumps(comment.pk, salt=PENDING_SALT)


def pending_comment_id(token: str) -> int | None:
    try:
        value = signing.loads(token, salt=PENDING_SALT, max_age=settings.COMMENTS_PENDING_TOKEN_AGE)
    except signing.BadSignature:
        return None
    return value if isinstance(value, int) else None


@dataclass
class Entry:
    comment: Comment
    depth: int
    has_children: bool = False
    closes: int = 0
    awaiting_moderation: bool = False
    # The poster's own comment, in the one private response after their post.
    private_link: str = ""

    @property
    def close_range(self):
        return range(self.closes)


@dataclass
class Thread:
    count: int
    entries: list = field(default_factory=list)
    page: object = None
    by_id: dict = field(default_factory=dict)


def build_thread(comments, *, discussion: DiscussionSettings, page_number=None, pending=None):
    """Nest the comments (oldest first among replies) and page the top-level ones."""
    comments = list(comments)
    count = len(comments)
    if pending is not None:
        comments.append(pending)
    by_id = {c.pk: c for c in comments}
    children, top = {}, []
    for comment in comments:
        if comment.parent_id in by_id:
            children.setdefault(comment.parent_id, []).append(comment)
        else:
            # A reply whose parent was removed stays readable at the top level.
            top.append(comment)
    if discussion.order == DiscussionSettings.Order.NEWEST:
        top.reverse()
    paginator = Paginator(top, discussion.per_page)
    if pending is not None and page_number is None:
        root = pending
        while root.parent_id in by_id:
            root = by_id[root.parent_id]
        page_number = top.index(root) // discussion.per_page + 1
    page = paginator.get_page(page_number)
    entries = []
    seen = set()

    def walk(nodes, depth):
        for comment in nodes:
            if comment.pk in seen:  # a cycle could only come from hand-edited data
                continue
            seen.add(comment.pk)
            kids = children.get(comment.pk, [])
            entry = Entry(
                comment=comment,
                depth=depth,
                has_children=bool(kids),
                awaiting_moderation=comment is pending,
            )
            entries.append(entry)
            if kids:
                walk(kids, depth + 1)
                entries[-1].closes += 1

    walk(page.object_list, 1)
    return Thread(count=count, entries=entries, page=page, by_id=by_id)

"""A discussion assembled in Python from one query of its comments."""

import zlib
from dataclasses import dataclass, field
from typing import NamedTuple

from django.core import signing
from django.core.paginator import Paginator
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.dates import MONTHS
from django.utils.translation import gettext as _

from newsroom import pagecache
from newsroom.compiled import CompiledQuery, IdList
from newsroom.sanitize import format_escaped

from .conf import conf
from .models import Comment, DiscussionSettings

PENDING_SALT = "comments.pending"


def pending_token(comment: Comment) -> str:
    return signing.dumps(comment.pk, salt=PENDING_SALT)


def pending_comment_id(token: str) -> int | None:
    try:
        value = signing.loads(token, salt=PENDING_SALT, max_age=conf.PENDING_TOKEN_AGE)
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
    report_url: str = ""
    # The poster's own comment, in the one private response after their post.
    private_link: str = ""


@dataclass
class Thread:
    count: int
    entries: list = field(default_factory=list)
    page: object = None
    by_id: dict = field(default_factory=dict)


@dataclass
class KeptThread:
    """A page of a thread as every reader sees it, once its HTML is rendered: what the
    discussion around the HTML still reads (the count, the paging, and by_id: the outline
    of each comment one may reply to, with its name), without the comments themselves.

    Kept in the shared cache and in each process, a Thread of 900 comments took 13 ms to
    pickle and as long to read back; this takes a fraction of that, and of the memory.
    """

    count: int
    page: object
    by_id: dict

    @classmethod
    def of(cls, thread: Thread):
        """Of a Thread built from the outline (_Outline rows)."""
        paginator = thread.page.paginator
        numbers = Paginator(range(paginator.count), paginator.per_page)
        return cls(
            count=thread.count,
            page=numbers.get_page(thread.page.number),
            by_id=thread.by_id,
        )


def build_thread(comments, *, discussion: DiscussionSettings, page_number=None, pending=None):
    """Nest the comments (oldest first among replies) and page the top-level ones.

    `comments` are a thread's approved comments in (created_at, pk) order; which page shows
    a comment is Comment.thread_page's answer, and the paging here must agree with it.
    """
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
        page_number = pending.thread_page(discussion)
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


# The thread every reader sees, kept ---------------------------------------------------------
#
# Without a poster's own comment in it, a thread is the same for every reader of a page of
# it, and it changes only with the article's version, which every change of one of its
# comments moves (comments/signals.py, comments/services.py). Kept under that version alone,
# not the site's, an article page rendered again after a change elsewhere on the site (or
# for a logged-in editor) reuses its thread, and an approval renders one thread again.

# Pages of a thread kept apart; a number past the last page shows the last page (Paginator),
# and further numbers are rendered without being kept, so a made-up ?cpage= fills no cache.
KEPT_PAGES = 100


# Read again after every change of one of the article's comments: compiled once
# (newsroom/compiled.py). The outline of the whole thread, then the comments of the page.
_THREAD_OUTLINE = CompiledQuery(
    lambda article_pk: (
        Comment.objects.filter(article=article_pk)
        .approved()
        .order_by("created_at", "pk")
        .values_list("pk", "parent_id", "author_name")
    ),
    article_pk=int,
)
_THREAD_PAGE = CompiledQuery(
    lambda ids: Comment.objects.filter(pk__in=IdList(ids)).approved().for_thread(), ids=list
)


class _Outline(NamedTuple):
    """A comment as the outline of its thread has it: enough to nest and page it."""

    pk: int
    parent_id: int | None
    author_name: str


def public_thread(article, *, discussion, page_number, is_open, site_name, request=None):
    """(KeptThread, html) of the approved comments on a page of an article's discussion.

    Nothing in either may be changed by the caller: they are shared by the requests that
    read them.
    """
    page_key = _page_key(page_number)

    def compute():
        # The outline (id, parent, name) of every approved comment nests and pages them;
        # only the page's comments are read whole. A thousand comments as whole rows and
        # model instances made the first render of a busy article slow, for some fifty
        # comments shown.
        outline = [_Outline(*row) for row in _THREAD_OUTLINE.rows(article_pk=article.pk)]
        thread = build_thread(outline, discussion=discussion, page_number=page_number)
        shown = [entry.comment.pk for entry in thread.entries]
        whole = {c.pk: c for c in _THREAD_PAGE.raw(ids=shown)} if shown else {}
        # A comment withdrawn between the two reads moved the thread's version: the next
        # request renders it again; this one leaves it out.
        thread.entries = [entry for entry in thread.entries if entry.comment.pk in whole]
        for entry in thread.entries:
            entry.comment = whole[entry.comment.pk]
        set_report_urls(thread)
        html = render_entries(thread.entries, is_open=is_open, site_name=site_name)
        return KeptThread.of(thread), html

    if page_key is None:
        return compute()
    key = ":".join(
        str(part)
        for part in (
            "comments:thread",
            article.pk,
            page_key,
            int(is_open),
            discussion.order,
            discussion.per_page,
            translation.get_language(),
            timezone.get_current_timezone_name(),
            # The name shows in the staff badge; as a number, a key without spaces.
            zlib.crc32(str(site_name).encode()),
        )
    )
    return pagecache.remember(
        key, compute, request=request, depends=(pagecache.article(article.pk),)
    )


def _page_key(page_number):
    """The page asked for, as a key; None if it is not worth keeping apart."""
    try:
        number = int(page_number)
    except (TypeError, ValueError):
        # Paginator.get_page() shows the first page for anything but a number.
        return 1
    return number if 1 <= number <= KEPT_PAGES else None


def set_report_urls(thread):
    # One reverse() for the whole thread: the report address differs only by the id.
    report_url = reverse("comments:report", args=[0]).replace("/0/", "/{}/")
    for entry in thread.entries:
        entry.report_url = report_url.format(entry.comment.pk)


# The comments of a thread, as HTML ---------------------------------------------------------
#
# A thread of fifty comments took longer to render with the template language than the
# whole rest of the article page: some thirty variable lookups, escapes and localisations
# per comment. The markup of one comment is small and fixed, so it is written here with
# format_html, which escapes every value it is given; templates/comments/section.html
# frames it.


def _texts(site_name, manage_days):
    """The words of a comment's markup, translated once for the whole thread."""
    return {
        "staff": _("%(site_name)s staff") % {"site_name": site_name},
        "edited": _("edited"),
        "awaiting": _("Your comment is awaiting moderation."),
        "unconfirmed": _(
            "Please confirm your email address: we have sent you a link. Your comment "
            "goes to the moderators once you follow it."
        ),
        "private_pending": _("Only you can see this comment for now."),
        "private_published": _("Your comment is published."),
        "private_link": _("Here is your private link:"),
        "manage": _("Manage your comment"),
        "private_help": _(
            "For %(days)s days it lets you check your comment's status, correct it, withdraw "
            "it, or turn reply emails on or off, without an account. Bookmark it and keep it "
            "to yourself."
        )
        % {"days": manage_days},
        "reply": _("Reply"),
        "reply_to": _("Reply to %(name)s"),
        "report": _("Report"),
        "report_by": _("Report the comment by %(name)s"),
    }


def _comment_html(entry, *, is_open, months, texts):
    """One comment's <li>: the markup is literal here, every value goes through escaping."""
    comment = entry.comment
    pk, name = comment.pk, comment.author_name
    created = timezone.localtime(comment.created_at)
    classes = f"comment depth-{entry.depth}"
    classes += " comment-staff" if comment.is_staff_reply else ""
    classes += " comment-pending" if entry.awaiting_moderation else ""
    markup = [
        '<li id="comment-{}" class="{}">'
        '<article class="comment-body" aria-labelledby="comment-{}-author">'
        '<header class="comment-meta"><span class="comment-author" id="comment-{}-author">'
    ]
    values = [pk, classes, pk, pk]
    if comment.author_url:
        markup.append('<a href="{}" rel="nofollow ugc noopener">{}</a>')
        values += [comment.author_url, name]
    else:
        markup.append("{}")
        values.append(name)
    markup.append("</span>")
    if comment.is_staff_reply:
        markup.append('<span class="comment-badge">{}</span>')
        values.append(texts["staff"])
    markup.append(
        '<a class="comment-permalink" href="#comment-{}"><time datetime="{}">{}</time></a>'
    )
    shown = f"{created.day} {months[created.month]} {created.year}, {created:%H:%M}"
    values += [pk, created.replace(microsecond=0).isoformat(), shown]
    if comment.edited_at:
        markup.append('<span class="comment-edited">{}</span>')
        values.append(texts["edited"])
    markup.append("</header>")
    if entry.awaiting_moderation:
        markup.append('<p class="comment-awaiting" role="status">{}</p>')
        unconfirmed = comment.status == Comment.Status.UNCONFIRMED
        values.append(texts["unconfirmed" if unconfirmed else "awaiting"])
    markup.append('<div class="comment-text">{}</div>')
    values.append(comment.rendered_body)
    if entry.private_link:
        markup.append(
            '<div class="comment-owner"><p class="comment-owner-title">{} {}</p>'
            '<p><a class="comment-owner-link" href="{}" rel="nofollow">{}</a></p>'
            '<p class="comment-owner-help">{}</p></div>'
        )
        values += [
            texts["private_pending" if entry.awaiting_moderation else "private_published"],
            texts["private_link"],
            entry.private_link,
            texts["manage"],
            texts["private_help"],
        ]
    if not entry.awaiting_moderation:
        markup.append('<footer class="comment-actions">')
        if is_open:
            markup.append(
                '<a class="comment-reply-link" href="?replyto={}#respond" data-comment-id="{}"'
                ' data-author="{}" aria-label="{}">{}</a>'
            )
            values += [pk, pk, name, texts["reply_to"] % {"name": name}, texts["reply"]]
        markup.append(
            '<form class="comment-report" method="post" action="{}">'
            '<button type="submit" class="link-button" aria-label="{}">{}</button></form></footer>'
        )
        values += [entry.report_url, texts["report_by"] % {"name": name}, texts["report"]]
    markup.append("</article>")
    if entry.has_children:
        markup.append('<ol class="children">')
    else:
        markup.append("</li>" + "</ol></li>" * entry.closes)
    return format_escaped("".join(markup), *values)


def render_entries(entries, *, is_open, site_name):
    """The <li> of every entry, nested as build_thread ordered them."""
    options = {
        "is_open": is_open,
        "months": {number: str(name) for number, name in MONTHS.items()},
        "texts": _texts(site_name, conf.MANAGE_LINK_AGE // 86400),
    }
    return format_escaped("{}" * len(entries), *(_comment_html(e, **options) for e in entries))

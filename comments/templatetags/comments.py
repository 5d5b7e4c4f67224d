from django import template
from django.utils import timezone

from .. import links, moderation, refused
from ..abuse import HONEYPOT_FIELD, make_form_token
from ..conf import conf
from ..forms import blank_form_html, blank_hidden_fields
from ..models import Comment, DiscussionSettings
from ..thread import (
    build_thread,
    pending_comment_id,
    public_thread,
    render_entries,
    set_report_urls,
)

register = template.Library()


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@register.inclusion_tag("comments/section.html", takes_context=True)
def comment_section(context, article):
    """The discussion under an article: the thread, and the form while comments are open.

    The same HTML for every reader (one query for the whole thread, kept until one of its
    comments changes), except in the response right after a post, where a signed ?pending=
    token shows the poster their own comment.
    """
    request = context.get("request")
    params = request.GET if request is not None else {}
    discussion = DiscussionSettings.load(request=request)
    is_open = moderation.comments_open(article, discussion=discussion, now=timezone.now())
    site_name = context.get("SITE_NAME")
    pending = None
    pending_id = pending_comment_id(params.get("pending", ""))
    if pending_id is not None:
        pending = (
            Comment.objects.filter(
                pk=pending_id,
                article=article,
                status__in=(Comment.Status.PENDING, Comment.Status.UNCONFIRMED),
            )
            .for_thread()
            .first()
        )
    own_id = pending.pk if pending is not None else pending_comment_id(params.get("posted", ""))
    # The reply target whose draft the browser can forget: "0" for a top-level comment.
    draft_posted = None
    if own_id is None:
        # What every reader sees: kept until a comment of the article changes.
        thread, thread_html = public_thread(
            article,
            discussion=discussion,
            page_number=params.get("cpage"),
            is_open=is_open,
            site_name=site_name,
            request=request,
        )
    else:
        # The one private response after a post: the poster's own comment, their link.
        thread = build_thread(
            Comment.objects.filter(article=article).approved().for_thread(),
            discussion=discussion,
            page_number=params.get("cpage"),
            pending=pending,
        )
        set_report_urls(thread)
        own = _show_private_link(thread, own_id)
        if pending is not None:
            own = pending
        if own is not None:
            draft_posted = own.parent_id or 0
        thread_html = render_entries(thread.entries, is_open=is_open, site_name=site_name)
    form = context.get("comment_form")
    refusal = context.get("comment_refusal")
    if form is None and params.get(refused.PARAMETER):
        kept = refused.load(params[refused.PARAMETER], article=article, discussion=discussion)
        if kept is not None:
            form, refusal, status = kept
            # comments.middleware gives the page the refusal's status (and Retry-After).
            request.comment_refusal_status = status
            request.comment_refusal_retry_after = refusal.retry_after
    reply_to = None
    parent_id = form["parent"].value() if form is not None and form.is_bound else None
    parent_id = _int(parent_id) or _int(params.get("replyto"))
    if parent_id is not None:
        reply_to = thread.by_id.get(parent_id)
    blank = hidden = None
    if form is None and is_open:
        # A blank form, as on every reader page: no form object, its markup kept once per
        # process, and only the two inputs that differ from page to page written here.
        blank = blank_form_html()
        hidden = blank_hidden_fields(
            token=make_form_token(article.pk),
            parent=reply_to.pk if reply_to is not None else None,
        )
    errors = []
    if form is not None and form.is_bound:
        errors = [
            (form[name].auto_id, error)
            for name, field_errors in form.errors.items()
            if name in form.fields
            for error in field_errors
        ]
    return {
        "thread_html": thread_html,
        "article": article,
        "blank_form": blank,
        "hidden_fields": hidden,
        "discussion": discussion,
        "is_open": is_open,
        "thread": thread,
        "form": form,
        "refusal": refusal,
        "field_errors": errors,
        "reply_to": reply_to,
        "honeypot": HONEYPOT_FIELD,
        "request": request,
        "SITE_NAME": site_name,
        "keep_ip_days": conf.KEEP_IP_DAYS,
        "draft_posted": draft_posted,
    }


def _show_private_link(thread, comment_id):
    """Give the poster's own comment its private link (only ever in an uncached response)."""
    entry = next((e for e in thread.entries if e.comment.pk == comment_id), None)
    if entry is None:
        return None
    # The thread's query leaves the address out; the link is bound to it.
    email = Comment.objects.filter(pk=comment_id).values_list("author_email", flat=True).first()
    if email:
        owner = Comment(pk=comment_id, author_email=email)
        entry.private_link = links.path(links.MANAGE, links.manage_token(owner))
    return entry.comment

"""Posting and reporting comments.

Cross-site request forgery: article pages are the same HTML for every visitor, so they can
be cached and served without cookies; a per-visitor CSRF token in the form would break that.
The comment POST is therefore exempt from Django's cookie-based CSRF check and protected
instead by what the browser tells us about where the request came from:
  - Sec-Fetch-Site, sent by current browsers, must be "same-origin" (or "none": typed or
    bookmarked) when present;
  - Origin, sent with every cross-origin POST, must be this site (SITE_URL, the request's
    own host, or CSRF_TRUSTED_ORIGINS) when present;
  - the signed form timestamp must name the same article and be recent.
No session or login is changed by posting a comment, so a forged post could at worst publish
text under a name the attacker chooses, which anyone can do with the form itself.
"""

import datetime

from django.contrib.auth import get_user_model
from django.db import transaction
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from articles.models import Article
from articles.views import article_page_context
from newsroom import sanitize
from newsroom.http import client_ip

from . import abuse, links, moderation, services
from .conf import conf
from .forms import CommentForm, CommentTextForm, ModerationReasonForm
from .models import Comment, DiscussionSettings, ModerationEvent
from .thread import pending_token

ARTICLE_TEMPLATE = "articles/article_detail.html"


# The HTTP status of each refusal; any other is 400.
REFUSAL_STATUS = {
    abuse.Code.CROSS_SITE: 403,
    abuse.Code.CLOSED: 403,
    abuse.Code.DUPLICATE: 409,
    abuse.Code.RATE_LIMITED: 429,
}


def _cross_site(request, refusal):
    return render(request, "comments/refused.html", {"refusal": refusal}, status=403)


def _refuse(request, article, form, refusal):
    if refusal.code == abuse.Code.BAD_PARENT:
        # Offer a fresh top-level comment rather than the same impossible reply.
        form.data = form.data.copy()
        form.data["parent"] = ""
    context = article_page_context(article)
    context.update(comment_form=form, comment_refusal=refusal)
    status = REFUSAL_STATUS.get(refusal.code, 400)
    return render(request, ARTICLE_TEMPLATE, context, status=status)


@csrf_exempt
@require_POST
def post_comment(request, article_id):
    if refusal := abuse.check_same_site(request):
        return _cross_site(request, refusal)
    article = get_object_or_404(Article.objects.public(), pk=article_id)
    discussion = DiscussionSettings.load()
    form = CommentForm(request.POST, article=article, discussion=discussion)
    if not form.is_valid():
        return _refuse(request, article, form, form.refusal())
    outcome = services.post_comment(
        article=article,
        form=form,
        facts=services.Facts.from_request(request),
        discussion=discussion,
    )
    if isinstance(outcome, abuse.Refusal):
        return _refuse(request, article, form, outcome)
    return _posted(article, outcome, discussion)


def _posted(article, comment, discussion):
    """Post/redirect/get to the comment, or to the discussion when it went to spam."""
    url = article.get_absolute_url()
    # The signed token shows the poster, and only them, their comment and its private link
    # in the one uncached response that follows.
    if comment.status == Comment.Status.APPROVED:
        page = comment.thread_page(discussion)
        query = f"?cpage={page}&" if page > 1 else "?"
        return HttpResponseRedirect(
            f"{url}{query}posted={pending_token(comment)}#comment-{comment.pk}"
        )
    if comment.status in (Comment.Status.PENDING, Comment.Status.UNCONFIRMED):
        return HttpResponseRedirect(f"{url}?pending={pending_token(comment)}#comment-{comment.pk}")
    # Spam is kept for the moderators; the poster is told nothing that helps a spammer.
    return HttpResponseRedirect(f"{url}#comments")


@csrf_exempt
@require_POST
def report_comment(request, comment_id):
    if refusal := abuse.check_same_site(request):
        return _cross_site(request, refusal)
    comment = get_object_or_404(Comment.objects.approved().select_related("article"), pk=comment_id)
    if not comment.article.is_public:
        raise Http404("No such comment.")
    first_report = abuse.first_report(comment_id=comment.pk, ip=client_ip(request))
    if first_report:
        services.report_comment(comment=comment)
    return render(
        request,
        "comments/reported.html",
        {"comment": comment, "article": comment.article, "first_report": first_report},
    )


# Pages opened from signed links: the commenter's own, and the moderators' -------------------
#
# Each is private (no shared cache, no search engine, no Referer carrying the token away) and
# changes nothing on GET: mail programs and scanners open links by themselves, so every change
# waits for a button on the page. The POSTs are exempt from the cookie-based CSRF check (these
# pages set no cookie); the token in the address is the secret a forger would need, and
# browsers' Origin and Sec-Fetch-Site headers are checked as for the comment form.


def _private(response):
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex, nofollow"
    # No Referer carrying the token to other sites; same-origin keeps the Origin header of
    # this page's own forms (with no-referrer, browsers send "Origin: null").
    response["Referrer-Policy"] = "same-origin"
    return response


def _page(request, template, context, status=200):
    return _private(render(request, f"comments/{template}.html", context, status=status))


def _problem(request, error):
    return _page(request, "link_problem", {"error": error}, status=error.status)


def _from_elsewhere(request):
    if abuse.check_same_site(request):
        message = "This request came from another website."
        return _problem(request, links.LinkError(403, message))
    return None


STATUS_TEXT = {
    Comment.Status.PENDING: "Waiting for a moderator. Until it is approved only you can see it.",
    Comment.Status.UNCONFIRMED: (
        "Waiting for you to confirm your email address: follow the link in the email we sent. "
        "Moderators see it after that."
    ),
    Comment.Status.APPROVED: "Published: everyone reading the article can see it.",
    Comment.Status.REMOVED: "Not published: it was not accepted into the discussion.",
    Comment.Status.WITHDRAWN: "Withdrawn by you. Nobody can read it any more.",
}


def _status(comment):
    """How the page names the comment's state; spam is never called so to its poster."""
    shown = Comment.Status.REMOVED if comment.status == Comment.Status.SPAM else comment.status
    label = "Not published" if shown == Comment.Status.REMOVED else comment.get_status_display()
    return {"status_class": shown, "status_label": label, "status_text": STATUS_TEXT[shown]}


NOTICES = {
    "edited": "Your new text is saved.",
    "held": "Your new text is saved. It now waits for a moderator before readers see it.",
    "notify-on": "You will get an email when someone replies to this comment.",
    "notify-off": "You will not get emails about replies to this comment.",
}


def _manage_context(comment, token, *, form=None, refusal=None, notice=None):
    has_replies = services.live_replies(comment).exists()
    why_not = services.edit_refusal(comment, has_replies=has_replies)
    if form is None and why_not is None:
        form = CommentTextForm(instance=comment)
    edit_until = None
    if why_not is None and comment.status == Comment.Status.APPROVED:
        edit_until = comment.created_at + datetime.timedelta(seconds=conf.EDIT_WINDOW)
    return {
        "comment": comment,
        "article": comment.article,
        "token": token,
        **_status(comment),
        "is_live": comment.status in services.OWNED,
        "form": form if why_not is None else None,
        "edit_refusal": refusal or why_not,
        "edit_until": edit_until,
        "edit_minutes": conf.EDIT_WINDOW // 60,
        "link_until": comment.created_at + datetime.timedelta(seconds=conf.MANAGE_LINK_AGE),
        "notice": NOTICES.get(notice),
    }


@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def manage(request, token):
    """The commenter's private page: status, correction, reply emails, withdrawal."""
    try:
        comment, _ = links.owned_comment(links.MANAGE, token)
    except links.LinkError as error:
        return _problem(request, error)
    if request.method != "POST":
        context = _manage_context(comment, token, notice=request.GET.get("done"))
        return _page(request, "manage", context)
    if refused := _from_elsewhere(request):
        return refused
    here = links.path(links.MANAGE, token)
    action = request.POST.get("action")
    try:
        if action == "notifications":
            on = request.POST.get("notify") == "on"
            services.set_reply_notifications(comment=comment, on=on)
            return HttpResponseRedirect(f"{here}?done=notify-{'on' if on else 'off'}")
        if action != "edit":
            raise services.NotAllowed("That is not something this page can do.", status=400)
        form = CommentTextForm(request.POST, instance=Comment(body=comment.body))
        if not form.is_valid():
            context = _manage_context(comment, token, form=form)
            return _page(request, "manage", context, status=400)
        was = comment.status
        comment = services.edit_own_comment(comment=comment, body=form.cleaned_data["body"])
    except services.NotAllowed as refusal:
        comment.refresh_from_db()
        context = _manage_context(comment, token, refusal=refusal.message)
        return _page(request, "manage", context, status=refusal.status)
    held = was == Comment.Status.APPROVED and comment.status != was
    return HttpResponseRedirect(f"{here}?done={'held' if held else 'edited'}")


@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def withdraw(request, token):
    try:
        comment, _ = links.owned_comment(links.MANAGE, token)
        if comment.status not in services.OWNED:
            raise links.LinkError(
                410, "This comment has already left the discussion.", title="Already withdrawn"
            )
    except links.LinkError as error:
        return _problem(request, error)
    context = {"comment": comment, "article": comment.article, "token": token}
    if request.method != "POST":
        return _page(request, "withdraw", context)
    if refused := _from_elsewhere(request):
        return refused
    try:
        services.withdraw_comment(comment=comment)
    except services.NotAllowed as refusal:
        return _problem(request, links.LinkError(refusal.status, refusal.message))
    context["done"] = True
    context["keep_days"] = conf.KEEP_REJECTED_DAYS
    return _page(request, "withdraw", context)


MODERATOR_SERVICES = {
    "approve": services.approve_comment,
    "spam": services.mark_spam,
    "remove": services.remove_comment,
}
MODERATOR_VERBS = {
    "approve": ("Approve", "approved"),
    "spam": ("Mark as spam", "marked as spam"),
    "remove": ("Remove", "removed"),
}


def _moderation_request(token):
    """The comment, moderator and action of a moderator's link that may still be used."""
    data = links.moderator_request(token)
    comment = Comment.objects.select_related("article").filter(pk=data["c"]).first()
    if comment is None:
        raise links.LinkError(410, "This comment no longer exists.", title="Comment not found")
    moderator = get_user_model().objects.filter(pk=data["u"], is_active=True).first()
    if moderator is None or not moderator.has_perm("comments.moderate_comment"):
        raise links.LinkError(403, "This link was sent to someone who may not moderate comments.")
    links.check_unspent(data)
    if comment.status != Comment.Status.PENDING:
        raise links.LinkError(
            410,
            f"This comment has been moderated already: it is now "
            f"{comment.get_status_display().lower()}. Open it in the admin to change that.",
            title="Already moderated",
        )
    return data, comment, moderator


@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def moderate(request, token):
    """A moderator's one-click link: a confirmation page, then the decision."""
    try:
        data, comment, moderator = _moderation_request(token)
    except links.LinkError as error:
        return _problem(request, error)
    action = data["a"]
    form = None
    if action != "approve":
        form = ModerationReasonForm(request.POST if request.method == "POST" else None)
    context = {
        "comment": comment,
        "article": comment.article,
        "action": action,
        "verb": MODERATOR_VERBS[action],
        "form": form,
        "moderator": moderator,
        "outcome_emails": conf.OUTCOME_EMAILS,
    }
    if request.method != "POST":
        return _page(request, "moderate", context)
    if refused := _from_elsewhere(request):
        return refused
    extra = {}
    if form is not None:
        if not form.is_valid():
            return _page(request, "moderate", context, status=400)
        extra["reason"] = form.cleaned_data["reason"]
    try:
        with transaction.atomic():
            links.spend(links.MODERATE, data)
            locked = Comment.objects.select_for_update().select_related("article")
            comment = locked.get(pk=comment.pk)
            if comment.status != Comment.Status.PENDING:
                raise links.LinkError(410, "This comment has been moderated already.")
            MODERATOR_SERVICES[action](
                comment=comment, by=moderator, via=ModerationEvent.Via.EMAIL_LINK, **extra
            )
    except links.LinkError as error:
        return _problem(request, error)
    context.update(done=True, comment=comment)
    return _page(request, "moderate", context)


@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request, token):
    """Reply emails off for the person the link was sent to (a one-click POST also works:
    mail programs send it without a browser's Origin, so only the token is checked)."""
    try:
        comment, data = links.owned_comment(links.UNSUBSCRIBE, token)
        if not isinstance(data.get("n"), str):
            raise links.LinkError(400, links.TAMPERED)
        links.check_unspent(data)
    except links.LinkError as error:
        return _problem(request, error)
    context = {"comment": comment, "article": comment.article}
    if request.method != "POST":
        return _page(request, "unsubscribe", context)
    try:
        with transaction.atomic():
            links.spend(links.UNSUBSCRIBE, data)
            services.unsubscribe_author(comment=comment)
    except links.LinkError as error:
        return _problem(request, error)
    context["done"] = True
    return _page(request, "unsubscribe", context)


@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def confirm(request, token):
    """The commenter confirms their address: the comment goes on to moderation."""
    try:
        comment, _ = links.owned_comment(links.CONFIRM, token)
        if comment.status != Comment.Status.UNCONFIRMED:
            raise links.LinkError(
                410, "This comment has been confirmed already.", title="Already confirmed"
            )
    except links.LinkError as error:
        return _problem(request, error)
    context = {"comment": comment, "article": comment.article}
    if request.method != "POST":
        return _page(request, "confirm", context)
    if refused := _from_elsewhere(request):
        return refused
    try:
        comment = services.confirm_comment(comment=comment)
    except services.NotAllowed as refusal:
        return _problem(request, links.LinkError(refusal.status, refusal.message))
    except moderation.CommentsClosed:
        error = links.LinkError(403, moderation.CommentsClosed.message, title="Comments closed")
        return _problem(request, error)
    context.update(
        done=True,
        comment=comment,
        **_status(comment),
        manage_url=links.path(links.MANAGE, links.manage_token(comment)),
    )
    return _page(request, "confirm", context)


@require_safe
def privacy(request):
    """What the site keeps about commenters, and for how long: the same page for everyone."""
    notice = DiscussionSettings.load().privacy_notice.strip()
    return render(
        request,
        "comments/privacy.html",
        {
            "custom_text": sanitize.render_comment_text(notice) if notice else None,
            "settings_days": {
                "ip": conf.KEEP_IP_DAYS,
                "rejected": conf.KEEP_REJECTED_DAYS,
                "unconfirmed": conf.KEEP_UNCONFIRMED_DAYS,
            },
            "contact": conf.PRIVACY_CONTACT,
        },
    )

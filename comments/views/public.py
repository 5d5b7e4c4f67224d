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

import logging

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import Http404, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.template import loader
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST, require_safe

from articles.models import Article
from articles.pages import article_page_context
from newsroom import sanitize
from newsroom.http import client_ip
from newsroom.views import RETRY_AFTER_SECONDS

from .. import abuse, refused, services
from ..conf import conf
from ..forms import CommentForm, strip_form_data
from ..models import Comment, DiscussionSettings
from ..thread import pending_token
from . import mine

ARTICLE_TEMPLATE = "articles/article_detail.html"
logger = logging.getLogger(__name__)


# The HTTP status of each refusal; any other is 400.
REFUSAL_STATUS = {
    abuse.Code.CROSS_SITE: 403,
    abuse.Code.CLOSED: 403,
    abuse.Code.DUPLICATE: 409,
    abuse.Code.RATE_LIMITED: 429,
}


def _cross_site(request, refusal):
    return render(request, "comments/refused.html", {"refusal": refusal}, status=403)


def _cross_site_report(request, comment_id):
    """A Report button on another site's page: nothing happens, and the reader is told how."""
    comment = (
        Comment.objects.approved()
        .filter(pk=comment_id, article__in=Article.objects.public())
        .select_related("article")
        .first()
    )
    context = {"article": comment.article if comment is not None else None}
    return render(request, "comments/report_refused.html", context, status=403)


def _refuse(request, article, form, refusal):
    """Post/redirect/get to the article, where the form comes back with its errors.

    Reloading that page shows the refusal again and sends nothing. Should the cache not
    keep the form, the article page is the answer to the POST itself.
    """
    if refusal.code == abuse.Code.BAD_PARENT:
        # Offer a fresh top-level comment rather than the same impossible reply.
        form.data = form.data.copy()
        form.data["parent"] = ""
    status = REFUSAL_STATUS.get(refusal.code, 400)
    # A body without the form's token (unreadable, or not sent from our form) has no form
    # to go back to: it is answered directly.
    token = None
    if request.POST.get("token"):
        token = refused.keep(article=article, form=form, refusal=refusal, status=status)
    if token is not None:
        response = HttpResponseRedirect(
            f"{article.get_absolute_url()}?{refused.PARAMETER}={token}#comment-errors"
        )
        response.status_code = 303
        return response
    context = article_page_context(article)
    context.update(comment_form=form, comment_refusal=refusal)
    response = render(request, ARTICLE_TEMPLATE, context, status=status)
    if refusal.retry_after:
        response["Retry-After"] = str(refusal.retry_after)
    return response


@csrf_exempt
@require_POST
def post_comment(request, article_id):
    if refusal := abuse.check_same_site(request):
        return _cross_site(request, refusal)
    try:
        return _post_comment(request, article_id)
    except (OperationalError, InterfaceError):
        logger.warning("A comment could not be posted: no database.", exc_info=True)
        return _unavailable(request, article_id)


def _unavailable(request, article_id):
    """503 with the form as the commenter filled it in, to send again in a moment.

    Built without the database or the request context (whose processors query it).
    """
    form = CommentForm(initial=strip_form_data(request.POST).dict())
    honeypot = form[abuse.HONEYPOT_FIELD]
    names = ("author_name", "author_email", "author_url", "body", "notify_replies", "email_link")
    context = {
        "SITE_NAME": settings.SITE_NAME,
        "action": reverse("comments:post", args=[article_id]),
        "article_id": article_id,
        "visible_fields": [form[name] for name in names],
        "hidden_fields": [form["parent"], form["token"]],
        "honeypot": honeypot,
    }
    response = HttpResponse(
        loader.render_to_string("comments/unavailable.html", context), status=503
    )
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


def _post_comment(request, article_id):
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
    response = _posted(article, outcome, discussion)
    # Brings the waiting comment back to its poster on every later visit (see mine.py).
    mine.remember_pending(request, response, outcome)
    return response


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
    if abuse.check_same_site(request):
        return _cross_site_report(request, comment_id)
    comment = get_object_or_404(Comment.objects.approved().select_related("article"), pk=comment_id)
    if not comment.article.is_public:
        raise Http404(_("No such comment."))
    first_report = abuse.first_report(comment_id=comment.pk, ip=client_ip(request))
    if first_report:
        services.report_comment(comment=comment)
    return render(
        request,
        "comments/reported.html",
        {"comment": comment, "article": comment.article, "first_report": first_report},
    )


@require_safe
def form_token(request, article_id):
    """A signed timestamp of now, for the form of a page that may come from a cache.

    comments.js asks for it when the page is shown, so the "too fast" check counts from
    then, not from when the cached page was rendered. Never cached: every answer is new.
    """
    article = get_object_or_404(Article.objects.public().only("pk"), pk=article_id)
    response = JsonResponse({"token": abuse.make_form_token(article.pk)})
    response["Cache-Control"] = "no-store, private"
    return response


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

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

from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from articles.models import Article
from articles.views import article_page_context
from newsroom.http import client_ip

from . import abuse, moderation, services
from .forms import CommentForm
from .models import Comment, DiscussionSettings
from .thread import pending_token

ARTICLE_TEMPLATE = "articles/article_detail.html"


def _refuse(request, article, form, refusal):
    if refusal.code == "bad_parent":
        # Offer a fresh top-level comment rather than the same impossible reply.
        form.data = form.data.copy()
        form.data["parent"] = ""
    context = article_page_context(article)
    context.update(comment_form=form, comment_refusal=refusal)
    return render(request, ARTICLE_TEMPLATE, context, status=refusal.status)


@csrf_exempt
@require_POST
def post_comment(request, article_id):
    try:
        abuse.check_same_site(request)
    except abuse.Refusal as refusal:
        return render(request, "comments/refused.html", {"refusal": refusal}, status=403)
    article = get_object_or_404(Article.objects.public(), pk=article_id)
    discussion = DiscussionSettings.load()
    form = CommentForm(request.POST)
    if not form.is_valid():
        return _refuse(
            request,
            article,
            form,
            abuse.Refusal(
                "Your comment could not be posted. Please correct the errors below.",
                code="invalid",
            ),
        )
    data = form.cleaned_data
    try:
        abuse.check_honeypot(data.get(abuse.HONEYPOT_FIELD))
        abuse.check_form_token(data.get("token"), article_id=article.pk, discussion=discussion)
        if not moderation.comments_open(article, discussion=discussion):
            raise abuse.Refusal(moderation.CommentsClosed.message, code="closed", status=403)
        parent = abuse.find_parent(data.get("parent"), article=article)
        abuse.check_duplicate(
            article=article,
            parent=parent,
            name=data["author_name"],
            email=data["author_email"],
            body=data["body"],
        )
        ip = client_ip(request)
        abuse.check_rate_limits(ip=ip, email=data["author_email"], discussion=discussion)
        comment = form.save(commit=False)
        comment.article = article
        comment.parent = parent
        comment.ip_address = ip
        comment.user_agent = request.headers.get("User-Agent", "")[:500]
        user = getattr(request, "user", None)
        comment = services.post_comment(
            comment=comment, discussion=discussion, user=user, request=request
        )
    except abuse.Refusal as refusal:
        return _refuse(request, article, form, refusal)
    except moderation.CommentsClosed:
        refusal = abuse.Refusal(moderation.CommentsClosed.message, code="closed", status=403)
        return _refuse(request, article, form, refusal)
    url = article.get_absolute_url()
    if comment.status == Comment.Status.APPROVED:
        page = comment_page(comment, discussion)
        query = f"?cpage={page}" if page > 1 else ""
        return HttpResponseRedirect(f"{url}{query}#comment-{comment.pk}")
    if comment.status == Comment.Status.PENDING:
        return HttpResponseRedirect(f"{url}?pending={pending_token(comment)}#comment-{comment.pk}")
    # Spam is kept for the moderators; the poster is told nothing that helps a spammer.
    return HttpResponseRedirect(f"{url}#comments")


def comment_page(comment, discussion):
    """The page of the thread that shows a comment (its top-level ancestor's page)."""
    root = comment
    while root.parent_id:
        root = Comment.objects.only("pk", "parent_id", "created_at").get(pk=root.parent_id)
    top = Comment.objects.approved().filter(article_id=comment.article_id, parent__isnull=True)
    if discussion.order == DiscussionSettings.Order.NEWEST:
        before = top.filter(created_at__gt=root.created_at).count()
    else:
        before = top.filter(created_at__lt=root.created_at).count()
    return before // discussion.per_page + 1


@csrf_exempt
@require_POST
def report_comment(request, comment_id):
    try:
        abuse.check_same_site(request)
    except abuse.Refusal as refusal:
        return render(request, "comments/refused.html", {"refusal": refusal}, status=403)
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

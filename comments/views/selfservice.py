"""The commenter's own pages, opened from the signed links mailed or shown to them."""

import datetime

from django.db import transaction
from django.http import HttpResponseRedirect
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from .. import links, moderation, services
from ..conf import conf
from ..forms import CommentTextForm
from ..models import Comment
from .private import from_elsewhere, page, problem

STATUS_TEXT = {
    Comment.Status.PENDING: _("Waiting for a moderator. Until it is approved only you can see it."),
    Comment.Status.UNCONFIRMED: _(
        "Waiting for you to confirm your email address: follow the link in the email we sent. "
        "Moderators see it after that."
    ),
    Comment.Status.APPROVED: _("Published: everyone reading the article can see it."),
    Comment.Status.REMOVED: _("Not published: it was not accepted into the discussion."),
    Comment.Status.WITHDRAWN: _("Withdrawn by you. Nobody can read it any more."),
}


def _status(comment):
    """How the page names the comment's state; spam is never called so to its poster."""
    shown = Comment.Status.REMOVED if comment.status == Comment.Status.SPAM else comment.status
    label = _("Not published") if shown == Comment.Status.REMOVED else comment.get_status_display()
    return {"status_class": shown, "status_label": label, "status_text": STATUS_TEXT[shown]}


NOTICES = {
    "edited": _("Your new text is saved."),
    "held": _("Your new text is saved. It now waits for a moderator before readers see it."),
    "notify-on": _("You will get an email when someone replies to this comment."),
    "notify-off": _("You will not get emails about replies to this comment."),
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
        comment, _data = links.owned_comment(links.MANAGE, token)
    except links.LinkError as error:
        return problem(request, error)
    if request.method != "POST":
        context = _manage_context(comment, token, notice=request.GET.get("done"))
        return page(request, "manage", context)
    if refused := from_elsewhere(request):
        return refused
    here = links.path(links.MANAGE, token)
    action = request.POST.get("action")
    try:
        if action == "notifications":
            on = request.POST.get("notify") == "on"
            services.set_reply_notifications(comment=comment, on=on)
            return HttpResponseRedirect(f"{here}?done=notify-{'on' if on else 'off'}")
        if action != "edit":
            raise services.NotAllowed(_("That is not something this page can do."), status=400)
        form = CommentTextForm(request.POST, instance=Comment(body=comment.body))
        if not form.is_valid():
            context = _manage_context(comment, token, form=form)
            return page(request, "manage", context, status=400)
        was = comment.status
        comment = services.edit_own_comment(comment=comment, body=form.cleaned_data["body"])
    except services.NotAllowed as refusal:
        comment.refresh_from_db()
        context = _manage_context(comment, token, refusal=refusal.message)
        return page(request, "manage", context, status=refusal.status)
    held = was == Comment.Status.APPROVED and comment.status != was
    return HttpResponseRedirect(f"{here}?done={'held' if held else 'edited'}")


@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def withdraw(request, token):
    try:
        comment, _data = links.owned_comment(links.MANAGE, token)
        if comment.status not in services.OWNED:
            raise links.LinkError(
                410,
                _("This comment has already left the discussion."),
                title=_("Already withdrawn"),
            )
    except links.LinkError as error:
        return problem(request, error)
    context = {"comment": comment, "article": comment.article, "token": token}
    if request.method != "POST":
        return page(request, "withdraw", context)
    if refused := from_elsewhere(request):
        return refused
    try:
        services.withdraw_comment(comment=comment)
    except services.NotAllowed as refusal:
        return problem(request, links.LinkError(refusal.status, refusal.message))
    context["done"] = True
    context["keep_days"] = conf.KEEP_REJECTED_DAYS
    return page(request, "withdraw", context)


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
        return problem(request, error)
    context = {"comment": comment, "article": comment.article}
    if request.method != "POST":
        return page(request, "unsubscribe", context)
    try:
        with transaction.atomic():
            links.spend(links.UNSUBSCRIBE, data)
            services.unsubscribe_author(comment=comment)
    except links.LinkError as error:
        return problem(request, error)
    context["done"] = True
    return page(request, "unsubscribe", context)


@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def confirm(request, token):
    """The commenter confirms their address: the comment goes on to moderation."""
    try:
        comment, _data = links.owned_comment(links.CONFIRM, token)
        if comment.status != Comment.Status.UNCONFIRMED:
            raise links.LinkError(
                410, _("This comment has been confirmed already."), title=_("Already confirmed")
            )
    except links.LinkError as error:
        return problem(request, error)
    context = {"comment": comment, "article": comment.article}
    if request.method != "POST":
        return page(request, "confirm", context)
    if refused := from_elsewhere(request):
        return refused
    try:
        comment = services.confirm_comment(comment=comment)
    except services.NotAllowed as refusal:
        return problem(request, links.LinkError(refusal.status, refusal.message))
    except moderation.CommentsClosed:
        error = links.LinkError(403, moderation.CommentsClosed.message, title=_("Comments closed"))
        return problem(request, error)
    context.update(
        done=True,
        comment=comment,
        **_status(comment),
        manage_url=links.path(links.MANAGE, links.manage_token(comment)),
    )
    return page(request, "confirm", context)

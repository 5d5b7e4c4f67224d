"""A moderator's one-click links from the emails about comments waiting."""

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from .. import links, services
from ..conf import conf
from ..forms import ModerationReasonForm
from ..models import Comment, ModerationEvent
from .private import from_elsewhere, page, problem

MODERATOR_SERVICES = {
    "approve": services.approve_comment,
    "spam": services.mark_spam,
    "remove": services.remove_comment,
}
MODERATOR_VERBS = {
    "approve": (_("Approve"), _("approved")),
    "spam": (_("Mark as spam"), _("marked as spam")),
    "remove": (_("Remove"), _("removed")),
}


def _moderation_request(token):
    """The comment, moderator and action of a moderator's link that may still be used."""
    data = links.moderator_request(token)
    comment = Comment.objects.select_related("article").filter(pk=data["c"]).first()
    if comment is None:
        raise links.LinkError(
            410, _("This comment no longer exists."), title=_("Comment not found")
        )
    moderator = get_user_model().objects.filter(pk=data["u"], is_active=True).first()
    if moderator is None or not moderator.has_perm("comments.moderate_comment"):
        raise links.LinkError(
            403, _("This link was sent to someone who may not moderate comments.")
        )
    links.check_unspent(data)
    if comment.status != Comment.Status.PENDING:
        raise links.LinkError(
            410,
            _(
                "This comment has been moderated already: it is now %(status)s. "
                "Open it in the admin to change that."
            )
            % {"status": comment.get_status_display().lower()},
            title=_("Already moderated"),
        )
    return data, comment, moderator


@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def moderate(request, token):
    """A moderator's one-click link: a confirmation page, then the decision."""
    try:
        data, comment, moderator = _moderation_request(token)
    except links.LinkError as error:
        return problem(request, error)
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
        return page(request, "moderate", context)
    if refused := from_elsewhere(request):
        return refused
    extra = {}
    if form is not None:
        if not form.is_valid():
            return page(request, "moderate", context, status=400)
        extra["reason"] = form.cleaned_data["reason"]
    try:
        with transaction.atomic():
            links.spend(links.MODERATE, data)
            locked = Comment.objects.select_for_update().select_related("article")
            comment = locked.get(pk=comment.pk)
            if comment.status != Comment.Status.PENDING:
                raise links.LinkError(410, _("This comment has been moderated already."))
            MODERATOR_SERVICES[action](
                comment=comment, by=moderator, via=ModerationEvent.Via.EMAIL_LINK, **extra
            )
    except links.LinkError as error:
        return problem(request, error)
    context.update(done=True, comment=comment)
    return page(request, "moderate", context)

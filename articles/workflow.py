"""The editorial workflow: an article's states, the moves between them and who may make them.

Plain functions of a user and an article, called by the admin (buttons, bulk actions, the
change form) and by the services that carry the moves out, so that a request that skips the
button meets the same rule as one that uses it.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from .models import Article

Status = Article.Status

PUBLISH = "articles.publish_article"
REVIEW = "articles.review_article"
EDIT_ANY = "articles.edit_any_article"
CHANGE = "articles.change_article"


@dataclass(frozen=True)
class Move:
    name: str
    label: str
    sources: frozenset
    target: str
    needs_note: bool = False


SUBMIT = Move("submit", _("Submit for review"), frozenset({Status.DRAFT}), Status.IN_REVIEW)
RETURN = Move(
    "return", _("Return to writer"), frozenset({Status.IN_REVIEW}), Status.DRAFT, needs_note=True
)
PUBLISH_MOVE = Move(
    "publish", _("Publish"), frozenset({Status.DRAFT, Status.IN_REVIEW}), Status.PUBLISHED
)
UNPUBLISH = Move("unpublish", _("Unpublish"), frozenset({Status.PUBLISHED}), Status.UNPUBLISHED)
REDRAFT = Move("redraft", _("Back to draft"), frozenset({Status.UNPUBLISHED}), Status.DRAFT)

MOVES = {move.name: move for move in (SUBMIT, RETURN, PUBLISH_MOVE, UNPUBLISH, REDRAFT)}


def is_owner(user, article):
    return article.created_by_id is not None and article.created_by_id == user.pk


def can_edit(user, article):
    """Editors change any article; writers their own until it has been published."""
    if not user.is_active or not user.has_perm(CHANGE):
        return False
    if user.has_perm(EDIT_ANY):
        return True
    return is_owner(user, article) and article.status in {Status.DRAFT, Status.IN_REVIEW}


def can_schedule(user):
    """Setting the publication and expiry times is part of publishing."""
    return user.is_active and user.has_perm(PUBLISH)


def allowed(user, move, article):
    """Whether this user's role lets them make this move on this article, whatever its state."""
    if not user.is_active:
        return False
    if move is SUBMIT:
        return user.has_perm(CHANGE) and (user.has_perm(EDIT_ANY) or is_owner(user, article))
    if move is RETURN:
        return user.has_perm(REVIEW)
    return user.has_perm(PUBLISH)


def may(user, move, article):
    """Whether this user may make this move on this article now."""
    return article.status in move.sources and allowed(user, move, article)


def available_moves(user, article):
    return [move for move in MOVES.values() if may(user, move, article)]

"""The signed links sent to commenters and moderators, and what makes each one trustworthy.

Every link is `django.core.signing` data with its own salt (a token made for one kind of link
is refused by every other) and a timestamp (each kind has its own life). None carries readable
personal data: comment and user ids, an action, a random nonce, and a keyed digest of the
commenter's address, which binds the link to that person and dies with the address when it is
erased.

One-time links are spent in the database, never in a process's memory: a moderator link or an
unsubscribe link writes its nonce into SpentLink (a unique column, so a second use fails on
every app server at once); a confirmation link is spent by the comment leaving "unconfirmed".
"""

import secrets
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext_lazy as _

from .conf import conf
from .models import Comment, SpentLink

MANAGE = "manage"
MODERATE = "moderate"
UNSUBSCRIBE = "unsubscribe"
CONFIRM = "confirm"
MODERATOR_ACTIONS = ("approve", "spam", "remove")


class LinkError(Exception):
    """A link that cannot be used, with the status and the sentence the visitor reads."""

    def __init__(self, status, message, *, title=None):
        super().__init__(message)
        self.status, self.message = status, message
        self.title = title or _("This link does not work")


TAMPERED = _(
    "This link is incomplete or has been changed. Open it again from the email or page "
    "you received it in, and check that it was copied in full."
)


def owner_digest(comment_id, email) -> str:
    """A keyed digest binding a link to one comment's author and their current address."""
    value = f"{comment_id}:{(email or '').strip().lower()}"
    return salted_hmac("comments.link-owner", value, algorithm="sha256").hexdigest()[:24]


def _salt(kind):
    return f"comments.link.{kind}"


def _max_age(kind):
    return {
        MANAGE: conf.MANAGE_LINK_AGE,
        MODERATE: conf.MODERATION_LINK_AGE,
        UNSUBSCRIBE: conf.UNSUBSCRIBE_LINK_AGE,
        CONFIRM: conf.KEEP_UNCONFIRMED_DAYS * 24 * 60 * 60,
    }[kind]


def longest_life() -> int:
    return max(_max_age(kind) for kind in (MANAGE, MODERATE, UNSUBSCRIBE, CONFIRM))


def make(kind, **data) -> str:
    return signing.dumps(data, salt=_salt(kind))


def read(kind, token) -> dict:
    """The data of a valid token of this kind, or LinkError (400 changed, 410 expired)."""
    try:
        data = signing.loads(token, salt=_salt(kind), max_age=_max_age(kind))
    except signing.SignatureExpired:
        raise LinkError(
            410,
            _("This link has expired. Links like this one work for a limited time only."),
            title=_("This link has expired"),
        ) from None
    except signing.BadSignature:
        raise LinkError(400, TAMPERED) from None
    if not isinstance(data, dict) or not isinstance(data.get("c"), int):
        raise LinkError(400, TAMPERED)
    return data


def path(kind, token) -> str:
    """The link's path, for pages of the site itself."""
    return reverse(f"comments:{kind}", kwargs={"token": token})


def url(kind, token) -> str:
    """The link in full, for emails."""
    return settings.SITE_URL + path(kind, token)


# The commenter's own links --------------------------------------------------------------------


def manage_token(comment: Comment) -> str:
    return make(MANAGE, c=comment.pk, h=owner_digest(comment.pk, comment.author_email))


def confirm_token(comment: Comment) -> str:
    return make(CONFIRM, c=comment.pk, h=owner_digest(comment.pk, comment.author_email))


def unsubscribe_token(comment: Comment) -> str:
    """For the author of `comment`, the comment that was replied to."""
    return make(
        UNSUBSCRIBE,
        c=comment.pk,
        h=owner_digest(comment.pk, comment.author_email),
        n=secrets.token_urlsafe(16),
    )


GONE = _(
    "This comment is no longer stored, or its author's details have been erased, so its "
    "private links no longer work."
)


def owned_comment(kind, token, queryset=None) -> tuple[Comment, dict]:
    """The comment a commenter's link belongs to, checked against its author's address."""
    data = read(kind, token)
    queryset = queryset if queryset is not None else Comment.objects.select_related("article")
    comment = queryset.filter(pk=data["c"]).first()
    if comment is None or not comment.author_email:
        raise LinkError(410, GONE, title=_("This link no longer works"))
    expected = owner_digest(comment.pk, comment.author_email)
    if not isinstance(data.get("h"), str) or not constant_time_compare(data["h"], expected):
        # Either a forged link, or the address behind it has changed since it was sent.
        raise LinkError(403, _("This link does not belong to this comment."))
    return comment, data


# Moderators' one-click links ---------------------------------------------------------------


@dataclass
class ModeratorLinks:
    approve: str
    spam: str
    remove: str


def moderator_links(comment: Comment, moderator) -> ModeratorLinks:
    """The three links of one email, for one moderator: together they work once."""
    nonce = secrets.token_urlsafe(16)
    return ModeratorLinks(
        **{
            action: url(MODERATE, make(MODERATE, c=comment.pk, u=moderator.pk, a=action, n=nonce))
            for action in MODERATOR_ACTIONS
        }
    )


def moderator_request(token) -> dict:
    data = read(MODERATE, token)
    if (
        data.get("a") not in MODERATOR_ACTIONS
        or not isinstance(data.get("u"), int)
        or not isinstance(data.get("n"), str)
    ):
        raise LinkError(400, TAMPERED)
    return data


# Spending one-time links ----------------------------------------------------------------------

USED = _("This link has already been used. Links like this one work once.")


def check_unspent(data):
    if SpentLink.objects.filter(nonce=data["n"]).exists():
        raise LinkError(410, USED, title=_("This link has been used"))


def spend(kind, data):
    """Record the use of a one-time link; LinkError(410) when it was used already.

    Call it inside the transaction that makes the change, so that both happen or neither.
    """
    try:
        with transaction.atomic():
            SpentLink.objects.create(nonce=data["n"], purpose=kind)
    except IntegrityError:
        raise LinkError(410, USED, title=_("This link has been used")) from None

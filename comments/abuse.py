"""Checks that turn away machine traffic and floods before a comment is considered.

Each check is a plain function that returns a Refusal, or None when the submission passes.
"""

import math
import time
from dataclasses import dataclass
from enum import StrEnum
from urllib.parse import urlsplit

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.db.models import Q
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from newsroom.http import rate_limit_key

from .conf import conf
from .models import Comment, DiscussionSettings

HONEYPOT_FIELD = "contact_fax"
_TOKEN_SALT = "comments.form-token"


class Code(StrEnum):
    INVALID = "invalid"
    CROSS_SITE = "cross_site"
    HONEYPOT = "honeypot"
    TOKEN_INVALID = "token_invalid"
    TOKEN_EXPIRED = "token_expired"
    TOO_FAST = "too_fast"
    BAD_PARENT = "bad_parent"
    CLOSED = "closed"
    DUPLICATE = "duplicate"
    RATE_LIMITED = "rate_limited"


@dataclass(frozen=True)
class Refusal:
    """A submission turned away, with the message the commenter reads."""

    code: Code
    message: str
    # How many seconds until trying again can succeed (rate limits): the Retry-After header.
    retry_after: int | None = None


# Cross-site posting ----------------------------------------------------------------------

CROSS_SITE = Refusal(
    Code.CROSS_SITE,
    _("This comment was sent from another website and has not been posted."),
)


def check_same_site(request) -> Refusal | None:
    """Refuse a POST another site's page made the browser send.

    Browsers send Sec-Fetch-Site with every request and Origin with every POST; either
    naming another site is enough to refuse. Clients sending neither (scripts, very old
    browsers) are not browsers carrying a visitor's cookies, which is what forgery abuses.
    """
    fetch_site = request.headers.get("Sec-Fetch-Site")
    if fetch_site is not None and fetch_site not in {"same-origin", "none"}:
        return CROSS_SITE
    origin = request.headers.get("Origin")
    if origin is not None:
        allowed = {_origin(settings.SITE_URL), f"{request.scheme}://{request.get_host()}"}
        allowed.update(_origin(o) for o in settings.CSRF_TRUSTED_ORIGINS)
        if _origin(origin) not in allowed:
            return CROSS_SITE
    return None


def _origin(url):
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


# Signed form timestamp -------------------------------------------------------------------


def make_form_token(article_id, *, now=None) -> str:
    """A token naming the article and the time the form was shown, signed by the server."""
    issued = int(now if now is not None else time.time())
    return signing.Signer(salt=_TOKEN_SALT).sign(f"{article_id}:{issued}")


def check_form_token(
    token, *, article_id, discussion: DiscussionSettings, now=None
) -> Refusal | None:
    try:
        value = signing.Signer(salt=_TOKEN_SALT).unsign(token or "")
        token_article, issued = (int(part) for part in value.split(":"))
    except (signing.BadSignature, ValueError):
        return Refusal(
            Code.TOKEN_INVALID,
            _("This form was changed or is incomplete. Please reload the page and try again."),
        )
    if token_article != article_id:
        return Refusal(
            Code.TOKEN_INVALID,
            _("This form belongs to another article. Please reload the page and try again."),
        )
    age = (now if now is not None else time.time()) - issued
    if age < discussion.min_seconds:
        return Refusal(
            Code.TOO_FAST,
            _("That was very quick. Please take a moment to read your comment, then post it."),
        )
    if age > conf.FORM_MAX_AGE or age < -60:
        return Refusal(
            Code.TOKEN_EXPIRED, _("This form has expired. Please post your comment again.")
        )
    return None


# Honeypot --------------------------------------------------------------------------------


def check_honeypot(value) -> Refusal | None:
    if value:
        return Refusal(
            Code.HONEYPOT,
            _("Your comment could not be posted because a hidden field was filled in."),
        )
    return None


# Rate limits, counted in the shared cache ------------------------------------------------


def _keys(ip, email):
    keys = []
    if network := rate_limit_key(ip):
        keys.append("ip:" + network)
    if email:
        # Hashed with the secret key: the cache never holds a commenter's address.
        keys.append(
            "email:" + salted_hmac("comments.rate", email.lower(), algorithm="sha256").hexdigest()
        )
    return keys


def check_rate_limits(*, ip, email, discussion: DiscussionSettings, now=None) -> Refusal | None:
    """Count this attempt and refuse it when the same IP or email posts too fast or too much.

    cache.add is atomic in Redis and memcached, so the limit holds across app servers. The
    key of the last post holds the time it allows the next one, so a refusal can say when.
    """
    now = now if now is not None else time.time()
    hour = int(now // 3600)
    for key in _keys(ip, email):
        if discussion.rate_limit_seconds:
            last = f"comments:rate:last:{key}"
            if not cache.add(last, now + discussion.rate_limit_seconds,
                             timeout=discussion.rate_limit_seconds):  # fmt: skip
                allowed_at = cache.get(last)
                if not isinstance(allowed_at, int | float):
                    allowed_at = now + discussion.rate_limit_seconds
                return too_quick(allowed_at - now)
        if discussion.hourly_cap:
            bucket = f"comments:rate:hour:{key}:{hour}"
            cache.add(bucket, 0, timeout=3600)
            try:
                count = cache.incr(bucket)
            except ValueError:  # expired between add and incr
                cache.set(bucket, 1, timeout=3600)
                count = 1
            if count > discussion.hourly_cap:
                return too_quick((hour + 1) * 3600 - now)
    return None


def too_quick(seconds) -> Refusal:
    """The rate-limit refusal, saying in words when the commenter may post again."""
    seconds = max(1, math.ceil(seconds))
    if seconds < 90:
        wait = ngettext("%(n)d second", "%(n)d seconds", seconds) % {"n": seconds}
    else:
        minutes = math.ceil(seconds / 60)
        wait = ngettext("%(n)d minute", "%(n)d minutes", minutes) % {"n": minutes}
    return Refusal(
        Code.RATE_LIMITED,
        _("You are posting comments too quickly. Slow down. Please try again in %(wait)s.")
        % {"wait": wait},
        retry_after=seconds,
    )


# Duplicates and replies ------------------------------------------------------------------


def check_duplicate(*, article, parent, name, email, body) -> Refusal | None:
    if (
        Comment.objects.filter(article=article, parent=parent, body=body)
        .filter(Q(author_name=name) | Q(author_email__iexact=email))
        .exists()
    ):
        return Refusal(
            Code.DUPLICATE,
            _("Duplicate comment detected; it looks as though you've already said that!"),
        )
    return None


BAD_PARENT = Refusal(Code.BAD_PARENT, _("Sorry, replies to unapproved comments are not allowed."))


def find_parent(parent_id, *, article) -> Comment | None:
    """The approved comment of the same article being replied to, if there is one."""
    return (
        Comment.objects.filter(pk=parent_id, article=article, status=Comment.Status.APPROVED)
        .only("pk", "article_id", "parent_id", "depth", "author_name")
        .first()
    )


def first_report(*, comment_id, ip) -> bool:
    """Whether this is the first report of a comment from this address (kept for 30 days)."""
    key = (
        f"comments:report:{comment_id}:"
        + salted_hmac("comments.report", rate_limit_key(ip) or "", algorithm="sha256").hexdigest()
    )
    return cache.add(key, 1, timeout=30 * 24 * 3600)

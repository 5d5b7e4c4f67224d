"""A refused comment form kept for the page the poster is redirected to (post/redirect/get).

The POST answers with a redirect to the article under ?refused=<token>, so reloading the
page shows the refusal again instead of sending the comment a second time. What was typed
and the errors wait in the shared cache under that random token for a short while: the
token is the only way to them, and the page that shows them is never cached or shared.
"""

import math
import secrets
import time

from django.core.cache import cache
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.forms.utils import ErrorDict
from django.http import QueryDict

from . import abuse
from .forms import CommentForm

PARAMETER = "refused"
KEEP_SECONDS = 30 * 60
_PREFIX = "comments:refused:"


def keep(*, article, form, refusal, status) -> str | None:
    """Store the refused form; its token, or None when the cache could not keep it."""
    token = secrets.token_urlsafe(24)
    errors = form.errors.get_json_data() if form.is_bound and form.errors else {}
    value = {
        "article": article.pk,
        "data": {key: form.data.getlist(key) for key in form.data},
        "errors": errors,
        "code": str(refusal.code),
        "message": str(refusal.message),
        "status": status,
        # When trying again can succeed (rate limits), as a moment: a reload says what is left.
        "retry_at": time.time() + refusal.retry_after if refusal.retry_after else None,
    }
    key = _PREFIX + token
    cache.set(key, value, timeout=KEEP_SECONDS)
    # A cache that is down swallows the write; the caller then answers the POST directly.
    return token if cache.get(key) is not None else None


def load(token, *, article, discussion=None):
    """The refused form, its refusal and HTTP status for this article, or None."""
    if not isinstance(token, str) or not 16 <= len(token) <= 64:
        return None
    value = cache.get(_PREFIX + token)
    if not isinstance(value, dict) or value.get("article") != article.pk:
        return None
    data = QueryDict(mutable=True)
    for key, values in value["data"].items():
        data.setlist(key, values)
    form = CommentForm(data, article=article, discussion=discussion)
    # The errors found when it was posted, not new ones: the clock has moved since.
    form.cleaned_data = {}
    form._errors = _error_dict(form, value["errors"])
    retry_at = value.get("retry_at")
    retry_after = max(1, math.ceil(retry_at - time.time())) if retry_at else None
    refusal = abuse.Refusal(abuse.Code(value["code"]), value["message"], retry_after)
    return form, refusal, value["status"]


def _error_dict(form, errors):
    form._errors = ErrorDict(renderer=form.renderer)
    for name, items in errors.items():
        field = None if name == NON_FIELD_ERRORS else name
        if field is not None and field not in form.fields:
            continue
        for item in items:
            form.add_error(field, ValidationError(item["message"], code=item["code"]))
    return form._errors

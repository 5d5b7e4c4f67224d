"""Unsaved copies of an open article form: kept per person and article, offered back later.

An autosave is a draft copy. Nothing here writes to an article or to its revisions; saving
the article removes the saver's copy, and copies older than the configured age are ignored
and then cleaned away (`manage.py expire_autosaves`).
"""

import json

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import Autosave

# The body of a long story with its markup fits many times over.
MAX_STATE_BYTES = 1024 * 1024
MAX_FIELDS = 500
# Never kept: the form's token and the button that was pressed.
SKIPPED = frozenset({"csrfmiddlewaretoken", "_workflow", "_save", "_continue", "_addanother"})
NEW_ARTICLE_KEY = "new"


def parse_state(raw: str) -> dict[str, list[str]]:
    """The form state a browser sent: an object of field names to lists of strings."""
    if len(raw.encode()) > MAX_STATE_BYTES:
        raise ValidationError(_("The form is too large to keep a copy of."), code="too_large")
    try:
        state = json.loads(raw)
    except ValueError as error:
        raise ValidationError(_("The form state is not valid JSON."), code="invalid") from error
    if not isinstance(state, dict) or len(state) > MAX_FIELDS:
        raise ValidationError(
            _("The form state must be an object of field names to lists of values."),
            code="invalid",
        )
    clean = {}
    for name, values in state.items():
        if isinstance(values, str):
            values = [values]
        if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
            raise ValidationError(
                _("The value of %(name)s must be a list of strings.") % {"name": name[:80]},
                code="invalid",
            )
        if name not in SKIPPED:
            clean[name] = values
    return clean


def key_for(*, article=None, new_key: str = "") -> dict:
    if article is not None:
        return {"article": article, "new_key": ""}
    if not new_key:
        raise ValidationError(_("Name an article or a new-article key."), code="no_article")
    return {"article": None, "new_key": new_key[:40]}


def store(*, user, state: dict, article=None, new_key: str = "") -> Autosave:
    """Keep (or replace) this person's unsaved copy of this article's form."""
    autosave, _created = Autosave.objects.update_or_create(
        user=user,
        **key_for(article=article, new_key=new_key),
        defaults={"state": state, "saved_at": timezone.now()},
    )
    return autosave


def offered(*, user, article=None, new_key: str = "") -> Autosave | None:
    """This person's copy of this article, if there is one young enough to offer."""
    return (
        Autosave.objects.fresh()
        .filter(user=user, **key_for(article=article, new_key=new_key))
        .first()
    )


def discard(*, user, article=None, new_key: str = "") -> int:
    deleted, _details = Autosave.objects.filter(
        user=user, **key_for(article=article, new_key=new_key)
    ).delete()
    return deleted


def expire(*, now=None) -> int:
    """Delete the copies older than the configured age; returns how many went."""
    deleted, _details = Autosave.objects.expired(now=now).delete()
    return deleted

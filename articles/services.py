"""Writes that touch several things: an article's state, its history, its revisions, mail."""

import reversion
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from . import notifications, revisions, workflow
from .models import Article, Byline, Transition


class StaleState(Exception):
    """The article is no longer in a state this move starts from (someone got there first)."""


def transition_article(*, article: Article, move: workflow.Move, by, note: str = "", at=None):
    """Move an article to its next state, or refuse with PermissionDenied / ValidationError.

    The row is locked and re-read first, so two people pressing buttons at once cannot both
    move the same article, and the rule is checked against the state actually stored.
    """
    note = note.strip()
    if move is workflow.PUBLISH_MOVE and at is not None and at > timezone.now() and not note:
        note = _("Scheduled for %(time)s") % {
            "time": timezone.localtime(at).strftime("%d %b %Y %H:%M %Z")
        }
    if move.needs_note and not note:
        raise ValidationError(_("Tell the writer what to change."), code="note_required")
    with transaction.atomic(), reversion.create_revision():
        current = Article.objects.select_for_update().get(pk=article.pk)
        if not workflow.allowed(by, move, current):
            raise PermissionDenied
        if current.status not in move.sources:
            raise StaleState(
                _("Nothing done: the article is %(status)s now, so “%(action)s” no longer applies.")
                % {"action": move.label, "status": current.get_status_display().lower()}
            )
        from_status = current.status
        current.status = move.target
        if move is workflow.PUBLISH_MOVE:
            current.published_at = at or timezone.now()
        current.full_clean()
        current.modified_by = by
        current.version = F("version") + 1
        current.save()
        current.refresh_from_db(fields=["version"])
        reversion.set_user(by)
        reversion.set_comment(str(move.label))
        record = Transition.objects.create(
            article=current,
            from_status=from_status,
            to_status=move.target,
            user=by,
            note=note,
        )
        transaction.on_commit(lambda: notifications.transition_made(record.pk))
    # The caller's object follows the stored one.
    for field in ("status", "published_at", "first_published_at", "version", "modified_by"):
        setattr(article, field, getattr(current, field))
    return record


def submit_article(*, article, by):
    return transition_article(article=article, move=workflow.SUBMIT, by=by)


def return_article(*, article, by, note):
    return transition_article(article=article, move=workflow.RETURN, by=by, note=note)


def publish_article(*, article, by, at=None):
    """Publish now, or schedule when `at` is in the future."""
    return transition_article(article=article, move=workflow.PUBLISH_MOVE, by=by, at=at)


def unpublish_article(*, article, by, note=""):
    return transition_article(article=article, move=workflow.UNPUBLISH, by=by, note=note)


def redraft_article(*, article, by):
    return transition_article(article=article, move=workflow.REDRAFT, by=by)


def revoke_preview_links(*, article, by):
    """Every preview link given out so far stops working."""
    article.preview_key = Article._meta.get_field("preview_key").default()
    Article.objects.filter(pk=article.pk).update(preview_key=article.preview_key)


# What "restore" brings back: the words and their setting. Status, timing and the front-page
# flag stay as they are now; they belong to the workflow, not to the text. The hero picture
# comes back through restore_hero, with renditions of its own.
RESTORED_FIELDS = (
    "headline", "slug", "standfirst", "body", "source", "section",
    "hero_alt", "hero_caption", "hero_credit",
)  # fmt: skip


def restore_revision(*, article: Article, version, by):
    """Bring an earlier revision back as it was, as a new revision, the way a save does.

    Text, hero picture and its words, section, tags, related stories and bylines in their
    order; one transaction, the version moved on (so an open form is stale), the page cache
    told through the save, and a revision that says where it came from.
    """
    fields = version.field_dict
    with transaction.atomic(), reversion.create_revision():
        current = Article.objects.select_for_update().get(pk=article.pk)
        if not workflow.can_edit(by, current):
            raise PermissionDenied
        for name in RESTORED_FIELDS:
            attname = Article._meta.get_field(name).attname
            if attname in fields:
                setattr(current, attname, fields[attname])
        revisions.restore_hero(current, version, fields)
        current.full_clean()
        current.modified_by = by
        current.version = F("version") + 1
        current.save()
        current.refresh_from_db()
        if "tags" in fields:
            current.tags.set(fields["tags"])
        if "related_articles" in fields:
            current.related_articles.set(fields["related_articles"])
        current.bylines.all().delete()
        Byline.objects.bulk_create(
            Byline(article=current, author_id=author_id, position=position)
            for position, author_id in enumerate(revisions.bylines_of(version))
        )
        reversion.add_to_revision(current)
        for byline in current.bylines.all():
            reversion.add_to_revision(byline)
        reversion.set_user(by)
        reversion.set_comment(revisions.restored_comment(version))
    article.refresh_from_db()
    return current

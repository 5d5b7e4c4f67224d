"""Tell the page cache when something readers may see has changed."""

from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.utils import timezone

from newsroom import pagecache

from .models import Article, Byline, Correction, Section, Tag, record_move


def site_changed(sender, **kwargs):
    # Any article, section or tag may appear on the front page, in a rail, a list or among
    # related stories, so the whole site's version moves (article threads keep theirs).
    pagecache.touch_site()


def sections_changed(sender, **kwargs):
    # The navigation and the front page's rails list the sections, kept apart (all_sections).
    pagecache.touch(pagecache.SECTIONS)


def connect():
    post_save.connect(sections_changed, sender=Section, dispatch_uid="pagecache-Section")
    post_delete.connect(sections_changed, sender=Section, dispatch_uid="pagecache-del-Section")
    for model in (Article, Byline, Correction, Tag):
        post_save.connect(site_changed, sender=model, dispatch_uid=f"pagecache-{model.__name__}")
        post_delete.connect(
            site_changed, sender=model, dispatch_uid=f"pagecache-del-{model.__name__}"
        )
    m2m_changed.connect(site_changed, sender=Article.tags.through, dispatch_uid="pagecache-tags")
    # A published article whose address changes leaves a redirect behind.
    pre_save.connect(_note_address_change, sender=Article, dispatch_uid="redirect-note-address")
    post_save.connect(_redirect_moved_article, sender=Article, dispatch_uid="redirect-moved")


def _note_address_change(sender, instance, raw=False, update_fields=None, **kwargs):
    # Runs inside Article.save(), after it has settled first_published_at.
    instance._moved_from = None
    if raw or instance.pk is None:
        return
    if update_fields is not None and not {"slug", "first_published_at"} & set(update_fields):
        return
    stored = Article.objects.filter(pk=instance.pk).values("slug", "first_published_at").first()
    if not stored or stored["first_published_at"] is None:
        return
    if stored["first_published_at"] > timezone.now():
        # Scheduled but not yet seen: nobody has the old address.
        return
    old = Article(slug=stored["slug"], first_published_at=stored["first_published_at"])
    old_url = old.get_absolute_url()
    if instance.first_published_at and old_url != instance.get_absolute_url():
        instance._moved_from = old_url


def _redirect_moved_article(sender, instance, raw=False, **kwargs):
    old_url = getattr(instance, "_moved_from", None)
    if old_url:
        instance._moved_from = None
        record_move(old_path=old_url, new_path=instance.get_absolute_url())

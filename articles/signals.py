"""Tell the page cache when something readers may see has changed."""

from django.db.models.signals import m2m_changed, post_delete, post_save

from newsroom import pagecache

from .models import Article, Byline, Correction, Section, Tag


def site_changed(sender, **kwargs):
    # Any article, section or tag may appear on the front page, in a rail, a list or among
    # related stories, so the whole site's version moves (article threads keep theirs).
    pagecache.touch_site()


def connect():
    for model in (Article, Byline, Correction, Section, Tag):
        post_save.connect(site_changed, sender=model, dispatch_uid=f"pagecache-{model.__name__}")
        post_delete.connect(
            site_changed, sender=model, dispatch_uid=f"pagecache-del-{model.__name__}"
        )
    m2m_changed.connect(site_changed, sender=Article.tags.through, dispatch_uid="pagecache-tags")

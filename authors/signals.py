"""Tell the page cache when an author readers may see has changed."""

from django.db.models.signals import post_delete, post_save

from newsroom import pagecache

from .models import Author


def author_changed(sender, **kwargs):
    # Bylines, author pages and feeds show names, photos and bios on many pages.
    pagecache.touch_site()


def connect():
    post_save.connect(author_changed, sender=Author, dispatch_uid="pagecache-author")
    post_delete.connect(author_changed, sender=Author, dispatch_uid="pagecache-del-author")

"""Tell the page cache when a comment thread or the discussion settings have changed."""

from django.db.models.signals import post_delete, post_save

from newsroom import pagecache

from .models import Comment, DiscussionSettings


def comment_changed(sender, instance, **kwargs):
    # Only the article's own page (its thread, count and comments feed) shows a comment.
    pagecache.touch_article(instance.article_id)


def discussion_changed(sender, **kwargs):
    # Open/closed and thread settings shape every article page.
    pagecache.touch(pagecache.DISCUSSION)


def connect():
    post_save.connect(comment_changed, sender=Comment, dispatch_uid="pagecache-comment")
    post_delete.connect(comment_changed, sender=Comment, dispatch_uid="pagecache-del-comment")
    post_save.connect(discussion_changed, sender=DiscussionSettings, dispatch_uid="pagecache-ds")

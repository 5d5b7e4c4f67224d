"""The record of what each imported WordPress object became (see articles.wordpress)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class WordPressLink(models.Model):
    """What an imported WordPress object became here, so that importing again updates it.

    Keyed by the old site and the object's WordPress key: the numeric id of a post, an
    attachment or a term, the login of an author. Other apps add their own kinds (comments).
    An attachment becomes a media library image (kind "image", keyed by the attachment's
    id); its link also keeps the image's file name (`stored_name`). Links of kind
    "attachment" are from imports made before the library took the body's pictures.
    """

    class Kind(models.TextChoices):
        AUTHOR = "author", _("author")
        SECTION = "section", _("category as section")
        TAG = "tag", _("tag")
        POST = "post", _("post")
        ATTACHMENT = "attachment", _("attachment")
        # The media library's image made of an attachment (a hero, a picture in a text).
        IMAGE = "image", _("library image")
        COMMENT = "comment", _("comment")
        USER = "user", _("staff account")

    site = models.CharField(_("old site"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20)
    key = models.CharField(_("WordPress key"), max_length=200)
    object_id = models.PositiveBigIntegerField(_("object"))
    imported_at = models.DateTimeField(_("last imported"), auto_now=True)
    # What the WordPress object looked like when last imported (a hash of its fields): a
    # newer export that changed nothing leaves the object alone.
    fingerprint = models.CharField(_("fingerprint"), max_length=64, blank=True)
    # The object's `modified` time right after the import: a later one means it was edited
    # here since, and a rerun keeps those edits unless told to overwrite them.
    object_modified = models.DateTimeField(_("object modified"), null=True, blank=True)
    # For attachments: the library image's file name.
    stored_name = models.CharField(_("stored file"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("WordPress link")
        verbose_name_plural = _("WordPress links")
        constraints = [
            models.UniqueConstraint(
                fields=["site", "kind", "key"], name="wordpress_link_unique_key"
            ),
        ]

    def __str__(self):
        return f"{self.site} {self.kind} {self.key} → {self.object_id}"

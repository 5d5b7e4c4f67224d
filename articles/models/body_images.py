"""The library pictures an article's text shows, kept in step with its body on each save
(see articles.body_pictures for how a body refers to them)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from newsroom import sanitize
from newsroom.media import follow

from .. import body_pictures


class BodyImage(models.Model):
    """A library picture shown in an article's text, recorded from the body on each save."""

    article = models.ForeignKey(
        "articles.Article", on_delete=models.CASCADE, related_name="body_images"
    )
    image = models.ForeignKey(
        "media.Image",
        on_delete=models.PROTECT,
        related_name="+",
        # The unique constraint's index serves the lookups by image.
        db_index=False,
    )

    class Meta:
        app_label = "articles"
        verbose_name = _("picture in an article's text")
        verbose_name_plural = _("pictures in articles' text")
        constraints = [
            models.UniqueConstraint(fields=["image", "article"], name="article_body_image_once")
        ]

    def __str__(self):
        return _("the text of “%(article)s”") % {"article": self.article}


class BodyPictures:
    """What Article does with the library pictures of its body: reads them, records them on
    save, and shows them to readers."""

    @classmethod
    def from_db(cls, db, field_names, values, *args, **kwargs):
        article = super().from_db(db, field_names, values, *args, **kwargs)
        if "body" in article.__dict__:
            # What the stored body shows, so a save that changes none of it asks nothing.
            article._body_image_ids = set(body_pictures.image_ids(article.body))
        return article

    def referenced_body(self):
        """The body as typed, with pasted addresses of library pictures made references."""
        return body_pictures.reference(self.body)

    def record_body_images(self, *, created=False):
        """Keep the list of library pictures the body shows (BodyImage) in step with it.

        Called by save(); bulk writers (the WordPress import) write the rows themselves.
        Every save may publish or withdraw the article, so the pictures it showed and
        shows are then made public or private (after commit).
        """
        shown = set(body_pictures.image_ids(self.body))
        before = set() if created else getattr(self, "_body_image_ids", None)
        touched = shown
        if before != shown:
            rows = BodyImage.objects.filter(article=self)
            current = set() if created else set(rows.values_list("image_id", flat=True))
            library = body_pictures.Image.objects
            wanted = set(library.filter(pk__in=shown).values_list("pk", flat=True))
            rows.filter(image_id__in=current - wanted).delete()
            BodyImage.objects.bulk_create(
                [BodyImage(article=self, image_id=pk) for pk in sorted(wanted - current)],
                ignore_conflicts=True,
            )
            touched = current | wanted
        self._body_image_ids = shown
        follow.sync_on_commit(*touched)

    @property
    def rendered_body(self):
        """The body for readers, with its library pictures (one query when it has any)."""
        return sanitize.sanitized(
            body_pictures.render(self.body, private=self.shows_private_pictures)
        )

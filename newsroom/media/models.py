"""The library's one model: an uploaded picture, its words, its focal point, its renditions."""

import math
from pathlib import PurePosixPath

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from newsroom import images, sanitize

from .storage import private_storage, public_storage


def original_path(instance, filename):
    """Originals by month of upload, under the private location only."""
    today = timezone.localdate()
    stem = PurePosixPath(filename).name
    return f"library/originals/{today:%Y/%m}/{stem}"


class ImageQuerySet(models.QuerySet):
    def public(self):
        return self.filter(is_public=True)


class Image(models.Model):
    file = images.PictureField(
        _("picture"),
        upload_to=original_path,
        storage=private_storage,
        max_length=255,
        width_field="width",
        height_field="height",
        help_text=_("A JPEG, PNG, WebP or GIF picture of at most 20 MB."),
    )
    original_name = models.CharField(
        _("file name"),
        max_length=255,
        blank=True,
        editable=False,
        help_text=_("The name of the file as it was uploaded."),
    )
    width = models.PositiveIntegerField(_("width"), default=0, editable=False)
    height = models.PositiveIntegerField(_("height"), default=0, editable=False)
    alt_text = models.CharField(
        _("alt text"),
        max_length=300,
        blank=True,
        help_text=_("What the picture shows, for readers who cannot see it."),
    )
    caption = models.CharField(_("caption"), max_length=500, blank=True)
    credit = models.CharField(
        _("credit"), max_length=200, blank=True, help_text=_("Photographer and agency.")
    )
    focal_x = models.FloatField(
        _("focal point, across"),
        default=0.5,
        validators=[MinValueValidator(0.0), MaxValueValidator(1.0)],
        help_text=_("0 is the left edge, 1 the right edge."),
    )
    focal_y = models.FloatField(
        _("focal point, down"),
        default=0.5,
        validators=[MinValueValidator(0.0), MaxValueValidator(1.0)],
        help_text=_("0 is the top edge, 1 the bottom edge."),
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="uploaded_images",
        verbose_name=_("uploaded by"),
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now, editable=False)
    # kind -> format -> [{"name", "width", "height"}], widths increasing; names in the
    # private storage, and in the public one too while the image is public.
    renditions = models.JSONField(_("renditions"), default=dict, blank=True, editable=False)
    is_public = models.BooleanField(
        _("public"),
        default=False,
        editable=False,
        help_text=_("Shown on a public page, so its renditions have public addresses."),
    )

    objects = ImageQuerySet.as_manager()

    class Meta:
        verbose_name = _("image")
        verbose_name_plural = _("images")
        ordering = ["-uploaded_at", "-pk"]
        permissions = [("edit_any_image", _("Can edit and delete images others uploaded"))]
        indexes = [models.Index(fields=["-uploaded_at", "-id"], name="media_image_uploaded")]
        constraints = [
            models.CheckConstraint(
                condition=Q(focal_x__gte=0, focal_x__lte=1, focal_y__gte=0, focal_y__lte=1),
                name="media_image_focal_point_inside",
                violation_error_message=_("The focal point must lie inside the picture."),
            ),
        ]

    def __str__(self):
        return self.alt_text or self.caption or self.original_name or f"Image {self.pk}"

    def save(self, *args, **kwargs):
        for name in ("alt_text", "caption", "credit"):
            setattr(self, name, sanitize.strip_control_characters(getattr(self, name)))
        replaced = None
        if self.file and not self.file._committed:
            if not self.original_name:
                self.original_name = PurePosixPath(self.file.name).name[:255]
            previous = getattr(self, "_saved_state", None)
            replaced = previous[0] if previous else None
            images.store_upload(self.file)
        super().save(*args, **kwargs)
        if replaced and replaced != self.file.name:
            storage = self.file.storage
            transaction.on_commit(lambda: storage.delete(replaced))

    @classmethod
    def from_db(cls, db, field_names, values, *args, **kwargs):
        image = super().from_db(db, field_names, values, *args, **kwargs)
        image._saved_state = image.rendition_state()
        return image

    def rendition_state(self):
        """What the renditions are made from: the original and the focal point."""
        return (self.file.name or "", float(self.focal_x), float(self.focal_y))

    def picture(self, kind: str, *, private: bool = False) -> images.Picture | None:
        """The renditions of one kind ("hero", "teaser", "square", "social") for <picture>.

        Built only from renditions that exist: a kind not made yet falls back to the
        largest rendition of the kind closest in shape, with the focal point for CSS
        ``object-position``. On a public page (the default) only a public image has a
        picture, with public addresses; ``private=True`` gives staff the staff-only view's
        addresses. Never the original. None when nothing can be shown.
        """
        if kind not in images.KINDS:
            raise ValueError(
                f"No rendition kind {kind!r}; the kinds are {', '.join(images.KINDS)}."
            )
        if not private and not self.is_public:
            return None
        found = self._best_renditions(kind)
        if found is None:
            return None
        storage = StaffFiles() if private else public_storage()
        return images.Picture.from_renditions(
            found, storage=storage, focal=(self.focal_x, self.focal_y)
        )

    def picture_url(self, kind: str = "social", width: int = 1200, *, private=False) -> str:
        """The address of one rendition at least ``width`` wide (or the widest there is),
        in the fallback format (JPEG or PNG): for ``og:image``, which not every reader of
        cards takes in WebP. Empty when there is none."""
        if not private and not self.is_public:
            return ""
        found = self._best_renditions(kind)
        if not found:
            return ""
        formats = sorted(found, key=lambda fmt: fmt == "WEBP")
        entries = found[formats[0]]
        entry = next((e for e in entries if e["width"] >= width), entries[-1])
        storage = StaffFiles() if private else public_storage()
        return storage.url(entry["name"])

    def _best_renditions(self, kind):
        """This kind's renditions, or those of the existing kind closest in shape (the
        largest of them on a tie); None when there are none at all."""
        made = {name: sets for name, sets in (self.renditions or {}).items() if sets}
        if kind in made:
            return made[kind]
        if not made:
            return None
        shape = images.KINDS[kind]
        wanted = math.log(shape.ratio_for(self.width, self.height))

        def closeness(name):
            known = images.KINDS.get(name)
            ratio = known.ratio_for(self.width, self.height) if known else 1.0
            widest = max(entries[-1]["width"] for entries in made[name].values())
            return (abs(math.log(ratio) - wanted), -widest)

        return made[min(made, key=closeness)]


class StaffFiles:
    """Addresses of private files through the staff-only view, for Picture's ``storage``."""

    def url(self, name):
        return reverse("admin:media_image_file", kwargs={"name": name})

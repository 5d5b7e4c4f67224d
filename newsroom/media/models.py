"""The library's one model: an uploaded picture, its words, its focal point, its renditions."""

from pathlib import PurePosixPath

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from newsroom import images

from .storage import private_storage


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

    def picture(self, kind: str, *, private: bool = False) -> images.Picture | None:
        """The renditions of one kind ("hero", "teaser", "square", "social") for <picture>.

        Built only from renditions that exist: a kind not made yet falls back to the
        largest rendition of the kind closest in shape, with the focal point for CSS
        ``object-position``. On a public page (the default) only a public image has a
        picture, with public addresses; ``private=True`` gives staff the staff-only view's
        addresses. Never the original. None when nothing can be shown.
        """
        raise NotImplementedError

    def picture_url(self, kind: str = "social", width: int = 1200, *, private=False) -> str:
        """The address of one rendition at least ``width`` wide (or the widest there is),
        in the fallback format (JPEG or PNG): for ``og:image``, which not every reader of
        cards takes in WebP. Empty when there is none."""
        raise NotImplementedError

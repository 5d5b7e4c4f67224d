from django.conf import settings
from django.db import models
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from newsroom.addresses import slug_address


class AuthorQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)


class Author(models.Model):
    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("slug"), max_length=140, unique=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user account"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="author_profile",
        help_text=_("The staff account that writes as this author, if any."),
    )
    job_title = models.CharField(_("job title"), max_length=120, blank=True)
    bio = models.TextField(
        _("biography"), blank=True, help_text=_("Plain text, shown on the author's page.")
    )
    photo = models.ForeignKey(
        "media.Image",
        verbose_name=_("photo"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        # Indexed as author_photo_idx, built concurrently on PostgreSQL.
        db_index=False,
        help_text=_("A picture from the media library, shown square: at least 320 pixels."),
    )
    x_handle = models.CharField(
        _("X handle"), max_length=30, blank=True, help_text=_("Without the @.")
    )
    mastodon_url = models.URLField(_("Mastodon profile"), blank=True)
    website = models.URLField(_("website"), blank=True)
    is_agency = models.BooleanField(
        _("agency byline"),
        default=False,
        help_text=_('A byline such as "News agencies" rather than a person.'),
    )
    is_active = models.BooleanField(
        _("active"), default=True, help_text=_("Inactive authors cannot be given new bylines.")
    )

    objects = AuthorQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("author")
        verbose_name_plural = _("authors")
        indexes = [models.Index(fields=["photo"], name="author_photo_idx")]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        # The page lists the author's articles, so the articles app serves it.
        return slug_address("articles:author", self.slug)

    @cached_property
    def photo_picture(self):
        """The photo, square, or None (none, or not public yet)."""
        return self.photo.picture("square") if self.photo_id else None

    @property
    def x_url(self):
        return f"https://x.com/{self.x_handle}" if self.x_handle else ""

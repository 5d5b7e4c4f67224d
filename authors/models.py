from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

# A module of plain functions with no models: the picture rules the whole site shares.
from newsroom import images


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
    photo = images.PictureField(
        _("photo"),
        upload_to="authors/%Y/",
        blank=True,
        width_field="photo_width",
        height_field="photo_height",
        help_text=_("A square JPEG, PNG or WebP of at least 320 pixels; metadata is removed."),
    )
    photo_width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    photo_height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    photo_renditions = models.JSONField(default=dict, blank=True, editable=False)
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

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.photo_renditions = images.refresh_picture(
            self.photo, self.photo_renditions, images.PORTRAIT_WIDTHS
        )
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        # The page lists the author's articles, so the articles app serves it.
        return reverse("articles:author", kwargs={"slug": self.slug})

    @cached_property
    def photo_picture(self):
        return images.Picture.from_renditions(self.photo_renditions) if self.photo else None

    @property
    def x_url(self):
        return f"https://x.com/{self.x_handle}" if self.x_handle else ""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MediaConfig(AppConfig):
    """The media library's one table: the images (models.py)."""

    name = "newsroom.media"
    label = "media"
    verbose_name = _("Media library")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Renditions follow the picture; a deleted image's files go with it.
        from . import renditions  # noqa: F401

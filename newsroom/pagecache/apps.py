from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PageCacheConfig(AppConfig):
    """The page cache's one table: the invalidations it must not forget (models.py)."""

    name = "newsroom.pagecache"
    label = "pagecache"
    verbose_name = _("Page cache")
    default_auto_field = "django.db.models.BigAutoField"

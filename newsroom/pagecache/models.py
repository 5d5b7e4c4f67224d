from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Invalidation(models.Model):
    """A change readers must see, written in the transaction that makes it.

    It is applied to the shared cache (its versions move) right after the commit; when the
    cache does not answer then, it stays unapplied until a request, or ``manage.py
    replay_invalidations``, finds the cache answering again (see ``durable``).
    """

    names = models.TextField(_("names"), help_text=_("The versions that moved, by spaces."))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    applied_at = models.DateTimeField(_("applied at"), null=True, blank=True)

    class Meta:
        verbose_name = _("invalidation")
        verbose_name_plural = _("invalidations")
        ordering = ["pk"]
        indexes = [
            # What every app server asks every few seconds: is anything left to apply?
            models.Index(
                fields=["created_at"],
                condition=Q(applied_at__isnull=True),
                name="pagecache_unapplied",
            ),
            models.Index(fields=["created_at"], name="pagecache_created"),
        ]

    def __str__(self):
        return self.names

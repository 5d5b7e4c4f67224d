"""The record of each go-live and expiry mail, so that each is sent exactly once."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class PublicationNotice(models.Model):
    """One mail about a story going live or expiring, claimed before it is sent.

    Keyed by the time it announces: a story rescheduled, or published again, is announced
    again at its new time; the same time never twice, whichever of the deferred task, the
    publish button or `manage.py notify_published` gets there first.
    """

    class Kind(models.TextChoices):
        LIVE = "live", _("went live")
        EXPIRED = "expired", _("expired")

    article = models.ForeignKey(
        "articles.Article",
        verbose_name=_("article"),
        on_delete=models.CASCADE,
        related_name="publication_notices",
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    due_at = models.DateTimeField(_("for the time"))
    sent_at = models.DateTimeField(_("sent"), auto_now_add=True)

    class Meta:
        verbose_name = _("publication notice")
        verbose_name_plural = _("publication notices")
        constraints = [
            models.UniqueConstraint(
                fields=["article", "kind", "due_at"], name="publication_notice_once"
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.article_id} at {self.due_at:%Y-%m-%d %H:%M}"

"""Editors' unsaved article forms, kept as copies: a crash or a closed laptop loses nothing."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .. import conf


class AutosaveQuerySet(models.QuerySet):
    def fresh(self, *, now=None):
        """Autosaves young enough to offer; older ones are ignored until cleaned away."""
        oldest = (now or timezone.now()) - conf.autosave_max_age()
        return self.filter(saved_at__gte=oldest)

    def expired(self, *, now=None):
        oldest = (now or timezone.now()) - conf.autosave_max_age()
        return self.filter(saved_at__lt=oldest)


class Autosave(models.Model):
    """A copy of an open article form's unsaved state, per person and article.

    A draft copy only: it never changes the article or its revisions. Offered back to the
    same person when they reopen the article; gone when they save it.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="article_autosaves"
    )
    article = models.ForeignKey(
        "articles.Article",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="autosaves",
    )
    new_key = models.CharField(
        _("new article key"),
        max_length=40,
        blank=True,
        help_text=_("Names an article not saved yet; empty for an existing article."),
    )
    state = models.JSONField(_("form state"), default=dict)
    saved_at = models.DateTimeField(_("saved at"), default=timezone.now, db_index=True)

    objects = AutosaveQuerySet.as_manager()

    class Meta:
        verbose_name = _("autosave")
        verbose_name_plural = _("autosaves")
        constraints = [
            models.UniqueConstraint(
                fields=("user", "article"),
                condition=Q(article__isnull=False),
                name="autosave_one_per_user_and_article",
            ),
            models.UniqueConstraint(
                fields=("user", "new_key"),
                condition=Q(article__isnull=True),
                name="autosave_one_per_user_and_new_key",
            ),
            models.CheckConstraint(
                condition=Q(article__isnull=False, new_key="")
                | Q(article__isnull=True) & ~Q(new_key=""),
                name="autosave_article_or_new_key",
            ),
        ]

    def __str__(self):
        return f"{self.user} / {self.article_id or self.new_key} @ {self.saved_at:%Y-%m-%d %H:%M}"

"""The articles' use of library images: an article's hero, and the pictures in its text,
are public while the article is.

The use is registered with the library (newsroom.media.usage) when the app is ready, and
every change that moves it asks the library, after commit, to make the images concerned
public or private (newsroom.media.publicity.sync): a save that replaces the hero, a
transition, a deletion, and the moments nobody acts on (a scheduled article going live, an
article expiring), caught by the page cache's schedule.
"""

import datetime

from django.core.cache import cache
from django.db import transaction
from django.db.models import Q
from django.db.models.signals import post_delete, pre_delete
from django.tasks import task
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from newsroom import pagecache
from newsroom.compiled import CompiledQuery
from newsroom.media import publicity, usage
from newsroom.media.follow import follow, sync_on_commit

USE = "article-hero"
BODY_USE = "article-body"
_LAST_DUE_KEY = "articles:pictures:due-until"
DUE_LOOKBACK = datetime.timedelta(days=1)


def register() -> None:
    from .models import Article

    usage.register(
        usage.ForeignKeyUse(
            name=USE,
            model=f"{Article._meta.app_label}.{Article.__name__}",
            field="hero",
            label=_("Hero of"),
            public=lambda articles: articles.public(),
            pages=lambda article: [pagecache.SITE, pagecache.article(article.pk)],
        )
    )
    # Any save may publish or withdraw the article, so each one asks about its hero.
    follow(Article, "hero", on_every_save=True)
    # Its body's pictures: Article.save() records them (BodyImage) and asks the same.
    usage.register(
        usage.Use(
            name=BODY_USE,
            label=_("In the text of"),
            references=body_references,
            publishing=body_publishing,
            pages=body_pages,
        )
    )
    pre_delete.connect(_note_body_images, sender=Article, dispatch_uid="body-images-before")
    post_delete.connect(_sync_body_images, sender=Article, dispatch_uid="body-images-deleted")


def body_references(image_ids):
    from .models import BodyImage

    rows = (
        BodyImage.objects.filter(image_id__in=list(image_ids))
        .select_related("article")
        .only("image_id", "article__headline")
        .order_by("article_id", "image_id")
    )
    for row in rows:
        yield usage.Reference(
            image_id=row.image_id,
            use=BODY_USE,
            label=str(_("In the text of")),
            title=row.article.headline,
            url=reverse("admin:articles_article_change", args=[row.article_id]),
        )


def body_publishing(image_ids):
    from .models import Article, BodyImage

    return BodyImage.objects.filter(
        image_id__in=list(image_ids), article__in=Article.objects.public()
    ).values_list("image_id", flat=True)


def body_pages(image_ids):
    from .models import BodyImage

    articles = (
        BodyImage.objects.filter(image_id__in=list(image_ids))
        .values_list("article_id", flat=True)
        .distinct()
    )
    pages = [pagecache.article(pk) for pk in articles]
    return [pagecache.SITE, *pages] if pages else []


def _note_body_images(sender, instance, **kwargs):
    instance._body_images_deleted = list(instance.body_images.values_list("image_id", flat=True))


def _sync_body_images(sender, instance, **kwargs):
    # The rows went with the article: its pictures may no longer be shown anywhere.
    sync_on_commit(*getattr(instance, "_body_images_deleted", ()))


def sync_due(now=None) -> None:
    """Pictures of the articles that went live or expired since the last look, by themselves."""
    from .models import Article, BodyImage

    now = now or timezone.now()
    # The first look goes back a day; `sync_image_publicity` catches anything older.
    since = cache.get(_LAST_DUE_KEY) or now - DUE_LOOKBACK
    moments = Q(published_at__gt=since, published_at__lte=now) | Q(
        expires_at__gt=since, expires_at__lte=now
    )
    due = Article.objects.filter(moments, status=Article.Status.PUBLISHED)
    ids = {
        *due.filter(hero__isnull=False).values_list("hero_id", flat=True),
        *BodyImage.objects.filter(article__in=due).values_list("image_id", flat=True),
    }
    if ids:
        publicity.sync(ids)
    cache.set(_LAST_DUE_KEY, now, timeout=None)


@task
def sync_due_task():
    sync_due()


def _heroes_due(since, now):
    from .models import Article

    moments = Q(published_at__gt=since, published_at__lte=now) | Q(
        expires_at__gt=since, expires_at__lte=now
    )
    return Article.objects.filter(
        moments, status=Article.Status.PUBLISHED, hero__isnull=False
    ).only("pk")[:1]


# Asked after every change of the site: compiled once (newsroom/compiled.py).
_HEROES_DUE = CompiledQuery(_heroes_due, since=datetime.datetime, now=datetime.datetime)


def sync_is_due(now=None) -> bool:
    """Whether a hero went public or private by itself since the last sync_due()."""
    now = now or timezone.now()
    since = cache.get(_LAST_DUE_KEY) or now - DUE_LOOKBACK
    return bool(list(_HEROES_DUE.raw(since=since, now=now)))


def next_public_change_syncing(next_public_change):
    """The page cache's schedule, which also catches the pictures up when it is asked.

    The page cache asks after every change of the site, and when a scheduled moment has
    passed (or the cache forgot the next one); the sync is queued only when a hero's moment
    has passed since the last one ran, not after every edit.
    """

    def schedule(now=None):
        if sync_is_due(now):
            transaction.on_commit(sync_due_task.enqueue)
        return next_public_change(now)

    return schedule

from django.contrib.syndication.views import Feed
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.feedgenerator import Rss201rev2Feed

from articles.feeds import as_html
from articles.models import Article
from newsroom import pagecache

from .models import Comment

FEED_ITEMS = 30


class ArticleCommentsFeed(Feed):
    """The newest approved comments of one article. Names only: never an email address."""

    feed_type = Rss201rev2Feed

    def get_object(self, request, year, month, day, slug):
        article = get_object_or_404(Article.objects.public(), slug=slug)
        published = timezone.localtime(article.first_published_at)
        if (year, month, day) != (published.year, published.month, published.day):
            raise Http404("No article was published under that date.")
        pagecache.depends_on(request, pagecache.article(article.pk))
        return article

    def title(self, obj):
        return as_html(f"Comments on “{obj.headline}”")

    def link(self, obj):
        return obj.get_absolute_url() + "#comments"

    def description(self, obj):
        return as_html(obj.standfirst)

    def items(self, obj):
        return (
            Comment.objects.filter(article=obj)
            .approved()
            .for_thread()
            .order_by("-created_at", "-pk")[:FEED_ITEMS]
        )

    def item_title(self, item):
        return as_html(f"By {item.author_name}")

    def item_description(self, item):
        # Already HTML, built by the sanitizer from the escaped text.
        return item.rendered_body

    def item_link(self, item):
        return f"{self._article.get_absolute_url()}#comment-{item.pk}"

    def item_guid(self, item):
        return f"comment-{item.pk}"

    item_guid_is_permalink = False

    def item_pubdate(self, item):
        return item.created_at

    def item_author_name(self, item):
        return as_html(item.author_name)

    def get_feed(self, obj, request):
        self._article = obj
        return super().get_feed(obj, request)

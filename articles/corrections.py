"""The corrections page: every correction, update and clarification on public stories."""

from django.shortcuts import render
from django.views.decorators.http import require_safe

from newsroom import pagecache

from . import conf
from .models import LISTING_DEFERRED, Article, Correction
from .paginator import ListingPaginator


def public_corrections():
    """Notes on public stories, newest first, with the story and its section in one query."""
    deferred = [f"article__{field}" for field in LISTING_DEFERRED]
    return (
        Correction.objects.filter(article__in=Article.objects.public())
        .select_related("article", "article__section")
        .defer(*deferred)
        .order_by("-created_at", "-pk")
    )


@require_safe
@pagecache.public_page
def corrections_list(request):
    paginator = ListingPaginator(
        public_corrections(), conf.articles_per_page(), key="corrections", request=request
    )
    page = paginator.get_page_or_404(request.GET.get("page"))
    return render(request, "articles/corrections.html", {"page": page})

from django import template
from django.conf import settings
from django.utils import timezone

from articles import teasers
from newsroom import sanitize

register = template.Library()


@register.simple_tag
def teaser(article, **options):
    """A story's teaser (articles.teasers.teaser_html takes the options)."""
    return teasers.teaser_html(article, **options)


@register.simple_tag
def picture(picture, **options):
    """A <picture> of a picture's renditions (articles.teasers.picture_html)."""
    return teasers.picture_html(picture, **options)


@register.filter
def highlight(text, query=""):
    """A search snippet with the matches in <mark>, everything else escaped."""
    return sanitize.highlight(text, query.split())


@register.filter
def isotime(value):
    """A machine-readable time for <time datetime>, to the second, in the site's zone."""
    return timezone.localtime(value).replace(microsecond=0).isoformat() if value else ""


@register.filter
def time_or_date(value):
    """ "14:05" for today's stories, "26 Nov" for older ones."""
    local = timezone.localtime(value)
    if local.date() == timezone.localdate():
        return local.strftime("%H:%M")
    return f"{local.day} {local:%b}"


@register.simple_tag
def absolute_url(path):
    return settings.SITE_URL + path


@register.simple_tag
def article_json_ld(article):
    """schema.org NewsArticle for search engines."""
    url = settings.SITE_URL + article.get_absolute_url()
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "mainEntityOfPage": {"@type": "WebPage", "@id": url},
        "url": url,
        "headline": article.headline,
        "description": article.standfirst,
        "datePublished": timezone.localtime(article.published_at).isoformat(),
        "dateModified": timezone.localtime(article.updated_at or article.modified).isoformat()
        if article.shows_update
        else timezone.localtime(article.published_at).isoformat(),
        "articleSection": article.section.name,
        "keywords": [tag.name for tag in article.tags.all()],
        "wordCount": article.word_count,
        "author": [
            {
                "@type": "Organization" if author.is_agency else "Person",
                "name": author.name,
                "url": settings.SITE_URL + author.get_absolute_url(),
            }
            for author in article.byline_authors
        ],
        "publisher": {
            "@type": "Organization",
            "name": settings.SITE_NAME,
            "url": settings.SITE_URL + "/",
        },
    }
    if article.social_picture:
        data["image"] = [settings.SITE_URL + article.social_picture.largest_url]
    return sanitize.json_ld(data)

from django import template
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
    return teasers.local_times(value, "")[0] if value else ""


@register.filter
def time_or_date(value):
    """ "14:05" for today's stories, "26 Nov" for older ones."""
    local = timezone.localtime(value)
    if local.date() == timezone.localdate():
        return local.strftime("%H:%M")
    return f"{local.day} {local:%b}"

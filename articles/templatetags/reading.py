"""Parts of reader pages that are the same on many of them: the listings' sidebar."""

from django import template

from .. import popular

register = template.Library()


@register.simple_tag(takes_context=True)
def reader_sidebar(context, with_latest=True):
    """The "Latest" and "Most read" lists (only "Most read" where the page has its own latest)."""
    return popular.sidebar_html(context.get("request"), with_latest=with_latest)

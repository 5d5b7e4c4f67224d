"""reverse() for the addresses a page writes many of, without matching a pattern for each.

reverse() matches the URL pattern again on every call: some 40 µs, and an article page
first rendered after a change of the site writes a dozen addresses (its tags, its authors,
its day). An address made of a slug (or a date and a slug) has a fixed shape: the text
before the slug and after it. The shape is found once per URL prefix and URLconf, by
reversing with stand-in values, and an address is then filled in. A value the pattern's
converter would quote or refuse is reversed as before, so the result is always reverse()'s.
"""

import re

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse

# (viewname, marker, prefix, URLconf) -> (before, after), or () where the reversed
# stand-in does not show the expected shape.
_SHAPES = {}
PLAIN_SLUG = re.compile(r"[-a-zA-Z0-9_]+\Z")
STAND_IN_SLUG = "stand-in-slug"


def shape(viewname, stand_in, marker):
    """The text before and after `marker` in reverse(viewname, kwargs=stand_in), or ()."""
    key = (viewname, marker, get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF)
    found = _SHAPES.get(key)
    if found is None:
        address = reverse(viewname, kwargs=stand_in)
        found = tuple(address.split(marker)) if address.count(marker) == 1 else ()
        _SHAPES[key] = found
    return found


def slug_address(viewname, slug):
    """reverse(viewname, kwargs={"slug": slug}) of a `<slug:slug>` page."""
    if PLAIN_SLUG.match(slug):
        parts = shape(viewname, {"slug": STAND_IN_SLUG}, f"/{STAND_IN_SLUG}/")
        if parts:
            return f"{parts[0]}/{slug}/{parts[1]}"
    return reverse(viewname, kwargs={"slug": slug})

"""Reader addresses of stories and sections, worked out once rather than on every render."""

import re

from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import timezone


def kept_url(instance, inputs, address):
    """address() (a reverse()), kept on the instance while its inputs stay the same.

    The stories and sections a page keeps between renders (the front page's, the
    navigation's) are the same instances on every render; their addresses are worked out
    once rather than on every render. `inputs` are the fields the address is made from; the
    URL prefix and the time zone (a date in the address is a local date) are part of the key.
    """
    key = (get_script_prefix(), timezone.get_current_timezone_name(), *inputs)
    kept = instance.__dict__.get("_kept_url")
    if kept is None or kept[0] != key:
        kept = (key, address())
        instance.__dict__["_kept_url"] = kept
    return kept[1]


# The shape of a story's address, per URL prefix and URLconf: (before, after) the date and
# slug, or () where the pattern does not have the expected shape.
_ADDRESS_SHAPES = {}
_ADDRESS_STAND_IN = {"year": 1987, "month": 11, "day": 29, "slug": "stand-in-slug"}
_ADDRESS_MARKER = "/1987/11/29/stand-in-slug/"
_PLAIN_SLUG = re.compile(r"[-a-zA-Z0-9_]+\Z")


def story_address(day, slug):
    """reverse("articles:detail") of a story's day and slug, without matching the pattern.

    A sitemap page lists a thousand stories and a front page a hundred: reversing each took
    most of a sitemap page's time. The address is reversed once per URL prefix with stand-in
    values, then filled in as the path converters write them (articles.converters: yyyy/mm/dd)
    with the slug as it is; a slug that reverse() would quote is reversed as before.
    """
    key = (get_script_prefix(), get_urlconf())
    shape = _ADDRESS_SHAPES.get(key)
    if shape is None:
        stand_in = reverse("articles:detail", kwargs=_ADDRESS_STAND_IN)
        found = stand_in.count(_ADDRESS_MARKER) == 1
        shape = _ADDRESS_SHAPES[key] = tuple(stand_in.split(_ADDRESS_MARKER)) if found else ()
    if shape and _PLAIN_SLUG.match(slug):
        return f"{shape[0]}/{day.year:04d}/{day.month:02d}/{day.day:02d}/{slug}/{shape[1]}"
    return reverse(
        "articles:detail",
        kwargs={"year": day.year, "month": day.month, "day": day.day, "slug": slug},
    )

"""Reader addresses of stories and sections, worked out once rather than on every render."""

from django.urls import get_script_prefix, reverse
from django.utils import timezone

from newsroom.addresses import PLAIN_SLUG, STAND_IN_SLUG, shape


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


# A stand-in day whose month and day show the zero a converter other than yyyy/mm/dd would
# not write: the shape is then not found, and such addresses are reversed.
_STORY_STAND_IN = {"year": 1987, "month": 1, "day": 9, "slug": STAND_IN_SLUG}
_DAY_STAND_IN = {"year": 1987, "month": 1, "day": 9}


def story_address(day, slug):
    """reverse("articles:detail") of a story's day and slug, without matching the pattern.

    A sitemap page lists a thousand stories and a front page a hundred: reversing each took
    most of a sitemap page's time. The address is filled in from its shape
    (newsroom.addresses) as the path converters write a date (articles.converters:
    yyyy/mm/dd), with the slug as it is; a slug that reverse() would quote is reversed.
    """
    if PLAIN_SLUG.match(slug):
        parts = shape("articles:detail", _STORY_STAND_IN, f"/1987/01/09/{STAND_IN_SLUG}/")
        if parts:
            return f"{parts[0]}/{_date(day)}/{slug}/{parts[1]}"
    return reverse(
        "articles:detail",
        kwargs={"year": day.year, "month": day.month, "day": day.day, "slug": slug},
    )


def day_address(day):
    """reverse("articles:archive-day") of a day: every story of that day."""
    parts = shape("articles:archive-day", _DAY_STAND_IN, "/1987/01/09/")
    if parts:
        return f"{parts[0]}/{_date(day)}/{parts[1]}"
    return reverse(
        "articles:archive-day", kwargs={"year": day.year, "month": day.month, "day": day.day}
    )


def _date(day):
    return f"{day.year:04d}/{day.month:02d}/{day.day:02d}"

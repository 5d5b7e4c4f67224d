"""Addresses filled in from their shape are reverse()'s, whatever the prefix or URLconf."""

import datetime

import pytest
from django.test import override_settings
from django.urls import NoReverseMatch, include, path, reverse, set_script_prefix

from articles.models.addresses import day_address, story_address
from newsroom.addresses import slug_address


@pytest.fixture(params=["/", "/edition/"])
def prefix(request):
    set_script_prefix(request.param)
    yield request.param
    set_script_prefix("/")


@pytest.mark.parametrize("viewname", ["articles:section", "articles:tag", "articles:author"])
@pytest.mark.parametrize("slug", ["city-hall", "a_b-9", "X"])
def test_a_slug_address_is_reverses(prefix, viewname, slug):
    expected = reverse(viewname, kwargs={"slug": slug})
    assert slug_address(viewname, slug) == expected
    assert expected.startswith(prefix)


@pytest.mark.parametrize(
    "day", [datetime.date(2026, 1, 2), datetime.date(1999, 12, 31), datetime.date(800, 7, 4)]
)
def test_a_day_address_is_reverses(prefix, day):
    expected = reverse(
        "articles:archive-day", kwargs={"year": day.year, "month": day.month, "day": day.day}
    )
    assert day_address(day) == expected


def test_a_slug_the_pattern_refuses_is_refused_as_reverse_does():
    with pytest.raises(NoReverseMatch):
        slug_address("articles:tag", "café")
    with pytest.raises(NoReverseMatch):
        slug_address("articles:tag", "two/parts")


def view(request, **kwargs):
    raise AssertionError("never called")


# Another URLconf, where the same names have other shapes: a tag's address has no slash
# around its slug, and dates are written without zeros.
other_shapes = [
    path("topics/tag-<slug:slug>.html", view, name="tag"),
    path("story/<int:year>/<int:month>/<int:day>/<slug:slug>/", view, name="detail"),
    path("day/<int:year>/<int:month>/<int:day>/", view, name="archive-day"),
]
urlpatterns = [path("", include((other_shapes, "articles")))]


def test_addresses_of_another_shape_are_reversed():
    day = datetime.date(2026, 3, 4)
    # Filled in for the default URLconf first: its shapes are not used for another.
    assert story_address(day, "x").endswith("/2026/03/04/x/")
    assert day_address(day).endswith("/2026/03/04/")
    with override_settings(ROOT_URLCONF=__name__):
        assert slug_address("articles:tag", "rivers") == "/topics/tag-rivers.html"
        assert story_address(day, "x") == "/story/2026/3/4/x/"
        assert day_address(day) == "/day/2026/3/4/"
    assert slug_address("articles:tag", "rivers") == reverse(
        "articles:tag", kwargs={"slug": "rivers"}
    )

"""The sitemaps' XML written in Python is what the templates wrote; addresses are reverse()'s."""

import datetime

import pytest
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse, set_script_prefix
from django.utils import timezone

from articles.models import story_address
from articles.sitemaps import urlset_xml

MOMENT = datetime.datetime(2026, 3, 31, 23, 30, tzinfo=datetime.UTC)


def url(location, **fields):
    return {
        "location": location,
        "lastmod": None,
        "changefreq": None,
        "priority": "",
        "alternates": [],
        **fields,
    }


@pytest.mark.parametrize(
    "urls",
    [
        [],
        [url("https://news.example.org/")],
        [
            url("https://news.example.org/a/?x=1&y='2'", lastmod=MOMENT, changefreq="hourly"),
            url("https://news.example.org/b/", lastmod=MOMENT.date(), priority="0.5"),
            url(
                "https://news.example.org/c/",
                alternates=[{"lang_code": "fr", "location": "https://news.example.org/fr/c/"}],
            ),
        ],
    ],
)
def test_a_sitemap_page_is_what_djangos_template_makes_of_it(urls, settings):
    settings.TIME_ZONE = "Europe/Paris"  # the last change is a day later there
    with timezone.override("Europe/Paris"):
        assert urlset_xml(urls) == render_to_string("sitemap.xml", {"urlset": urls})
        if any(entry["lastmod"] for entry in urls):
            assert "<lastmod>2026-04-01</lastmod>" in urlset_xml(urls)


@pytest.mark.parametrize(
    ("day", "slug"),
    [
        (datetime.date(2026, 1, 2), "ferry-timetable"),
        (datetime.date(1999, 12, 31), "a_b-9"),
    ],
)
@pytest.mark.parametrize("prefix", ["/", "/edition/"])
def test_a_storys_address_is_reverses(day, slug, prefix):
    set_script_prefix(prefix)
    try:
        expected = reverse(
            "articles:detail",
            kwargs={"year": day.year, "month": day.month, "day": day.day, "slug": slug},
        )
        assert story_address(day, slug) == expected
        assert expected.startswith(prefix)
    finally:
        set_script_prefix("/")


def test_an_address_the_pattern_refuses_is_refused_as_reverse_does():
    with pytest.raises(NoReverseMatch):
        story_address(datetime.date(2026, 11, 30), "café-opens")

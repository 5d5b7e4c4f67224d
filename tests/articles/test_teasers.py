"""A story's teaser and a picture, as the front page, listings, search and the rail show them."""

import datetime
import re

import pytest
from django.utils import timezone, translation
from django.utils.safestring import mark_safe

from articles.models import Article
from articles.teasers import byline_text, local_times, picture_html, teaser_html
from newsroom.images import Picture
from tests.factories import ArticleFactory, AuthorFactory, SectionFactory

pytestmark = pytest.mark.django_db


def picture(stem, *widths):
    """A square or 3:2 picture's renditions at these widths, as Image.picture gives them."""
    height = round(widths[-1] * (1 if stem == "s" else 2 / 3))
    largest = f"/m/{stem}-{widths[-1]}.jpg"
    return Picture(
        sources=[("image/webp", ", ".join(f"/m/{stem}-{w}.webp {w}w" for w in widths))],
        src=largest,
        srcset=", ".join(f"/m/{stem}-{w}.jpg {w}w" for w in widths),
        width=widths[-1],
        height=height,
        largest_url=largest,
        largest_width=widths[-1],
        largest_height=height,
    )


PICTURE = picture("a", 320, 640)
SQUARE = picture("s", 160)


@pytest.fixture
def story():
    section = SectionFactory(name='Arts & "Letters"', slug="arts")
    article = ArticleFactory(
        headline="Tom & Jerry <script>alert(1)</script>",
        standfirst="It's <b>bold</b>",
        section=section,
        published_at=datetime.datetime(2026, 3, 4, 23, 30, tzinfo=datetime.UTC),
    )
    return Article.objects.get(pk=article.pk)


def with_pictures(article):
    article.__dict__.update(teaser_picture=PICTURE, square_picture=SQUARE)
    return article


def test_every_value_is_escaped_and_nothing_else_is_left_out(story):
    html = teaser_html(story, size="row", level=2, show_section=True)
    assert html.startswith('<article class="teaser teaser-row">')
    assert "Tom &amp; Jerry &lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script>" not in html
    kicker = '<p class="kicker"><a href="/section/arts/">Arts &amp; &quot;Letters&quot;</a></p>'
    assert kicker in html
    assert f'<h2 class="teaser-headline"><a href="{story.get_absolute_url()}">' in html
    assert '<p class="teaser-standfirst">It&#x27;s &lt;b&gt;bold&lt;/b&gt;</p>' in html
    # No picture: no picture link.
    assert "teaser-image" not in html


def test_the_date_is_the_site_zones_and_machine_readable(story, settings):
    settings.TIME_ZONE = "Europe/London"
    with timezone.override("Asia/Tokyo"):
        html = teaser_html(story)
    # 23:30 UTC on 4 March is 08:30 on 5 March in Tokyo.
    assert '<time datetime="2026-03-05T08:30:00+09:00">5 Mar 2026</time>' in html


def test_a_moment_shown_again_follows_the_zone_and_the_language():
    moment = datetime.datetime(2026, 3, 4, 23, 30, 15, 250, tzinfo=datetime.UTC)
    dateline = "j F Y, H:i e"
    with timezone.override("Europe/London"):
        assert local_times(moment, dateline) == (
            "2026-03-04T23:30:15+00:00",
            "4 March 2026, 23:30 GMT",
        )
        with translation.override("fr"):
            assert local_times(moment, dateline)[1] == "4 mars 2026, 23:30 GMT"
        assert local_times(moment, "j M Y") == ("2026-03-04T23:30:15+00:00", "4 Mar 2026")
    # The same instant in another zone is another moment to show.
    with timezone.override("Asia/Tokyo"):
        assert local_times(moment, dateline) == (
            "2026-03-05T08:30:15+09:00",
            "5 March 2026, 08:30 JST",
        )
    with timezone.override("Europe/London"):
        assert local_times(moment, dateline)[1] == "4 March 2026, 23:30 GMT"


def test_a_story_without_a_publication_time_shows_an_empty_time(story):
    story.published_at = None
    assert '<time datetime=""></time>' in teaser_html(story)


def test_options_leave_out_the_section_and_the_standfirst_and_set_the_heading(story):
    html = teaser_html(story, size="card", level=3, no_standfirst=True)
    assert 'class="teaser teaser-card"' in html
    assert "kicker" not in html and "teaser-standfirst" not in html
    assert re.search(r"<h3 class=\"teaser-headline\">.*</h3>", html)


def test_a_search_snippet_replaces_the_standfirst_and_keeps_its_marks(story):
    html = teaser_html(story, size="row", snippet=mark_safe("the <mark>harbour</mark> plan"))
    assert '<p class="teaser-standfirst teaser-snippet">the <mark>harbour</mark> plan</p>' in html
    assert "It&#x27;s" not in html


@pytest.mark.parametrize(
    ("count", "expected"),
    [
        (0, ""),
        (1, '<span class="byline">By Ann &amp; Co</span>'),
        (2, '<span class="byline">By Ann &amp; Co and Bo &lt;b&gt;</span>'),
        (3, '<span class="byline">By Ann &amp; Co, Bo &lt;b&gt; and Cy</span>'),
    ],
)
def test_bylines_are_joined_as_a_reader_says_them(count, expected):
    authors = [AuthorFactory.build(name=name) for name in ["Ann & Co", "Bo <b>", "Cy"]]
    assert byline_text(authors[:count]) == expected


def test_the_teaser_shows_its_bylines(story):
    for position, name in enumerate(["Ann Lee", "Bo Ek"]):
        story.bylines.create(author=AuthorFactory(name=name), position=position)
    story = Article.objects.get(pk=story.pk)
    assert '<span class="byline">By Ann Lee and Bo Ek</span>' in teaser_html(story)


@pytest.mark.parametrize(
    ("size", "rail", "loading", "square"),
    [
        ("lead", False, ' fetchpriority="high">', False),
        ("top", False, '">', True),
        ("row", False, ' loading="lazy" decoding="async">', False),
        ("card", False, ' loading="lazy" decoding="async">', False),
        ("card", True, ' loading="lazy" decoding="async">', True),
    ],
)
def test_each_size_loads_its_picture_as_its_place_on_the_page_needs(
    story, size, rail, loading, square
):
    html = teaser_html(with_pictures(story), size=size, rail=rail)
    assert f'<a class="teaser-image" href="{story.get_absolute_url()}" tabindex="-1"' in html
    picture = re.search(r"<picture>.*?</picture>", html).group()
    assert picture.endswith(loading + "</picture>")
    assert ('media="(max-width: 40rem)"' in picture) is square
    # The image is decoration beside the headline's link: an empty alt.
    assert 'alt=""' in picture


def test_a_picture_has_webp_sources_then_an_image_with_its_size_and_escaped_alt():
    html = picture_html(PICTURE, sizes="8rem", alt='A "quay" & a crane', class_name="author-photo")
    assert html == (
        '<picture><source type="image/webp" srcset="/m/a-320.webp 320w, /m/a-640.webp 640w" '
        'sizes="8rem"><img src="/m/a-640.jpg" srcset="/m/a-320.jpg 320w, /m/a-640.jpg 640w" '
        'sizes="8rem" alt="A &quot;quay&quot; &amp; a crane" width="640" height="427" '
        'class="author-photo"></picture>\n'
    )


def test_the_small_square_comes_first_for_phones():
    html = picture_html(PICTURE, sizes="25rem", small_square=SQUARE)
    assert html.index("/m/s-160.webp") < html.index("/m/a-320.webp")
    assert '<source media="(max-width: 40rem)" srcset="/m/s-160.jpg 160w" sizes="6rem">' in html


def test_an_articles_byline_links_each_author(story):
    for position, name in enumerate(["Ann & Lee", "Bo Ek"]):
        author = AuthorFactory(name=name, slug=f"a{position}")
        story.bylines.create(author=author, position=position)
    story = Article.objects.get(pk=story.pk)
    assert byline_text(story.byline_authors, link=True) == (
        '<span class="byline">By <a href="/author/a0/">Ann &amp; Lee</a> and '
        '<a href="/author/a1/">Bo Ek</a></span>'
    )

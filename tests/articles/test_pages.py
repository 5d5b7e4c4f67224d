import datetime
from types import SimpleNamespace

import pytest
import time_machine
from django.conf import settings as django_settings

from articles.models import Article
from articles.sitemaps import ArticleSitemap
from tests.factories import ArticleFactory, AuthorFactory, SectionFactory, TagFactory
from tests.markup import Markup

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 3, 18, 12, 0, tzinfo=datetime.UTC)
HOUR = datetime.timedelta(hours=1)
HTML = "text/html; charset=utf-8"
RSS = "application/rss+xml; charset=utf-8"
XML = "application/xml"
HIDDEN_HEADLINES = {
    "draft": "Unpublished zeppelin draft",
    "scheduled": "Embargoed zeppelin scoop",
    "expired": "Withdrawn zeppelin notice",
}


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def newsroom(section, author):
    """A public story with everything a page shows, a neighbour, and three hidden stories.

    The hidden ones share the story's section, tag and author and are its editors' picks,
    so every listing that forgot `public()` would show them.
    """
    tag = TagFactory(name="Harbours", slug="harbours")
    agency = AuthorFactory(name="News agencies", slug="news-agencies", is_agency=True)
    ghost = AuthorFactory(name="Ghost Writer", slug="ghost-writer")
    story = ArticleFactory(
        with_image=True,
        headline="Harbour zeppelin museum opens",
        slug="harbour-zeppelin-museum-opens",
        standfirst="The hangar on the quay becomes a museum of airships.",
        body="<p>Visitors queued from dawn.</p><h2>Tickets</h2><p>Entry is free in March.</p>",
        section=section,
        authors=[author, agency],
        tags=[tag, TagFactory(name="Museums", slug="museums")],
        published_at=NOW - HOUR,
        is_featured=True,
    )
    neighbour = ArticleFactory(
        headline="Ferry timetable changes for spring",
        slug="ferry-timetable-changes",
        section=SectionFactory(name="Travel", slug="travel"),
        authors=[author],
        tags=[tag],
        published_at=NOW - 2 * HOUR,
    )
    hidden = {
        "draft": ArticleFactory(draft=True),
        "scheduled": ArticleFactory(published_at=NOW + 2 * HOUR),
        "expired": ArticleFactory(published_at=NOW - 3 * HOUR, expires_at=NOW - HOUR),
    }
    for key, article in hidden.items():
        Article.objects.filter(pk=article.pk).update(
            headline=HIDDEN_HEADLINES[key],
            slug=HIDDEN_HEADLINES[key].lower().replace(" ", "-"),
            standfirst=f"{HIDDEN_HEADLINES[key]}: not for readers.",
            section=section,
        )
        article.refresh_from_db()
        article.authors.add(author, ghost)
        article.tags.add(tag)
    story.related_articles.add(*hidden.values(), neighbour)
    return SimpleNamespace(
        story=story,
        neighbour=neighbour,
        hidden=hidden,
        section=section,
        tag=tag,
        author=author,
        agency=agency,
        ghost=ghost,
    )


def article_sitemap_page(article):
    """The number of the article sitemap's page that lists the article: its range of ids."""
    return (article.pk - 1) // ArticleSitemap.limit + 1


def reader_urls(newsroom):
    return {
        "front-page": "/",
        "article": newsroom.story.get_absolute_url(),
        "section": "/section/world/",
        "tag": "/tag/harbours/",
        "author": "/author/amara-osei/",
        "archive": "/archive/2026/03/",
        "archive-day": "/archive/2026/03/18/",
        "search": "/search/?q=zeppelin",
        "feed": "/rss.xml",
        "section-feed": "/section/world/rss.xml",
        "author-feed": "/author/amara-osei/rss.xml",
        "sitemap-index": "/sitemap.xml",
        "sitemap-home": "/sitemap-home.xml",
        "sitemap-sections": "/sitemap-sections.xml",
        "sitemap-authors": "/sitemap-authors.xml",
        # The page of ids the story is on (ids do not start again at 1 on PostgreSQL).
        "sitemap-articles": f"/sitemap-articles.xml?p={article_sitemap_page(newsroom.story)}",
        "news-sitemap": "/news-sitemap.xml",
        "robots": "/robots.txt",
    }


CONTENT_TYPES = {
    "front-page": HTML,
    "article": HTML,
    "section": HTML,
    "tag": HTML,
    "author": HTML,
    "archive": HTML,
    "archive-day": HTML,
    "search": HTML,
    "feed": RSS,
    "section-feed": RSS,
    "author-feed": RSS,
    "sitemap-index": XML,
    "sitemap-home": XML,
    "sitemap-sections": XML,
    "sitemap-authors": XML,
    "sitemap-articles": XML,
    "news-sitemap": "application/xml; charset=utf-8",
    "robots": "text/plain; charset=utf-8",
}
HTML_PAGES = [
    "front-page",
    "article",
    "section",
    "tag",
    "author",
    "archive",
    "archive-day",
    "search",
]


@pytest.mark.parametrize(("name", "content_type"), CONTENT_TYPES.items())
def test_every_reader_url_answers_anonymous_readers(client, newsroom, name, content_type):
    response = client.get(reader_urls(newsroom)[name])
    assert response.status_code == 200
    assert response["Content-Type"] == content_type


@pytest.mark.parametrize(
    "name",
    [
        "front-page",
        "article",
        "search",
        "feed",
        "section-feed",
        "sitemap-index",
        "sitemap-articles",
        "news-sitemap",
        "robots",
    ],
)
def test_reader_pages_answer_head_and_refuse_writes(client, newsroom, name):
    url = reader_urls(newsroom)[name]
    assert client.head(url).status_code == 200
    assert client.post(url).status_code == 405


@pytest.mark.parametrize("kind", HIDDEN_HEADLINES)
def test_an_article_that_is_not_public_answers_404_on_its_url(client, newsroom, kind):
    article = newsroom.hidden[kind]
    assert client.get(article.get_absolute_url()).status_code == 404


LISTINGS = [
    *HTML_PAGES,  # the article page lists its related stories
    "feed",
    "section-feed",
    "author-feed",
    "sitemap-articles",
    "news-sitemap",
]


@pytest.mark.parametrize("name", LISTINGS)
def test_articles_that_are_not_public_appear_on_no_listing(client, newsroom, name):
    content = client.get(reader_urls(newsroom)[name]).text
    # The public story is listed, so the page is not simply empty.
    assert newsroom.story.slug in content
    for article in newsroom.hidden.values():
        assert article.headline not in content
        assert article.slug not in content


def test_an_author_of_hidden_articles_only_is_not_in_the_sitemap(client, newsroom):
    content = client.get("/sitemap-authors.xml").text
    assert "/author/amara-osei/" in content
    assert "/author/ghost-writer/" not in content


def test_related_stories_show_public_editors_picks(client, newsroom):
    content = client.get(newsroom.story.get_absolute_url()).text
    assert "Related stories" in content
    assert newsroom.neighbour.headline in content


@pytest.mark.parametrize(
    "url",
    [
        "/news/2026/03/18/no-such-story/",
        "/section/no-such-section/",
        "/section/no-such-section/rss.xml",
        "/tag/no-such-tag/",
        "/author/no-such-author/",
        "/author/no-such-author/rss.xml",
        "/sitemap-no-such-part.xml",
        "/no/such/page/",
    ],
)
def test_unknown_addresses_answer_404(client, newsroom, url):
    assert client.get(url).status_code == 404


@pytest.mark.parametrize(
    "date",
    ["2026/03/17", "2026/03/19", "2025/03/18", "2026/02/18", "0000/00/00", "2026/13/18"],
)
def test_an_article_under_the_wrong_date_answers_404(client, newsroom, date):
    assert client.get(f"/news/{date}/{newsroom.story.slug}/").status_code == 404


@pytest.mark.parametrize("date", ["2026/3/5", "2026/03/5", "2026/3/05"])
def test_an_unpadded_date_redirects_permanently_to_the_canonical_url(client, date):
    article = ArticleFactory(
        slug="early", published_at=datetime.datetime(2026, 3, 5, 8, tzinfo=datetime.UTC)
    )
    assert article.get_absolute_url() == "/news/2026/03/05/early/"
    response = client.get(f"/news/{date}/early/")
    assert response.status_code == 301
    assert response["Location"] == "/news/2026/03/05/early/"
    assert client.get(response["Location"]).status_code == 200


def test_an_unpadded_wrong_date_answers_404_without_redirecting(client):
    ArticleFactory(slug="early", published_at=datetime.datetime(2026, 3, 5, 8, tzinfo=datetime.UTC))
    assert client.get("/news/2026/3/6/early/").status_code == 404


@pytest.mark.parametrize(
    "url",
    [
        "/news/26/03/18/harbour-zeppelin-museum-opens/",
        "/news/2026/003/18/harbour-zeppelin-museum-opens/",
        "/news/2026/ab/18/harbour-zeppelin-museum-opens/",
        "/news/2026/03/18x/harbour-zeppelin-museum-opens/",
        "/news/2026/02/30/harbour-zeppelin-museum-opens/",
        "/news/2026/00/18/harbour-zeppelin-museum-opens/",
        "/news/-2026/03/18/harbour-zeppelin-museum-opens/",
        "/archive/2026/13/",
        "/archive/2026/00/",
        "/archive/2026/99/",
        "/archive/1899/12/",
        "/archive/0000/01/",
        "/archive/26/03/",
        "/archive/2026/march/",
        "/archive/2026/04/",  # next month: the archive cannot be in the future
        "/archive/2027/01/",
        "/archive/9999/12/",
        "/archive/2026/02/30/",
        "/archive/2026/13/01/",
        "/archive/2026/03/00/",
        "/archive/2026/03/32/",
        "/archive/1899/12/31/",
        "/archive/2026/03/19/",  # tomorrow: the archive cannot be in the future
        "/archive/2026/03/18x/",
        "/archive/2026/03/018/",
    ],
)
def test_malformed_impossible_and_future_dates_answer_404(client, newsroom, url):
    assert client.get(url).status_code == 404


def test_an_unpadded_archive_month_redirects_permanently_to_the_canonical_url(client, newsroom):
    response = client.get("/archive/2026/3/")
    assert response.status_code == 301
    assert response["Location"] == "/archive/2026/03/"


def test_archive_of_the_current_month_lists_its_articles_without_a_next_link(client, newsroom):
    content = client.get("/archive/2026/03/").text
    assert newsroom.story.headline in content
    # No earlier month has stories, and an empty month answers 404: neither is linked.
    assert "/archive/2026/02/" not in content
    assert "/archive/2026/04/" not in content


def test_archive_links_skip_months_without_stories(client, newsroom):
    ArticleFactory(
        headline="November ferry strike",
        published_at=datetime.datetime(2025, 11, 20, 9, 0, tzinfo=datetime.UTC),
    )
    march = client.get("/archive/2026/03/").text
    assert "/archive/2025/11/" in march
    assert "/archive/2026/02/" not in march
    november = client.get("/archive/2025/11/").text
    assert "/archive/2026/03/" in november
    assert "/archive/2025/12/" not in november


def test_an_unpadded_archive_day_redirects_permanently_to_the_canonical_url(client, newsroom):
    for url in ["/archive/2026/3/18/", "/archive/2026/03/8/"]:
        response = client.get(url)
        assert response.status_code == 301
    assert client.get("/archive/2026/3/18/")["Location"] == "/archive/2026/03/18/"


def test_archive_day_lists_that_days_stories_and_links_to_neighbouring_days(client, newsroom):
    ArticleFactory(
        headline="Late ferry on the 16th",
        published_at=datetime.datetime(2026, 3, 16, 23, 59, tzinfo=datetime.UTC),
    )
    ArticleFactory(
        headline="Early tide on the 19th",
        published_at=datetime.datetime(2026, 3, 19, 0, 0, tzinfo=datetime.UTC),
    )
    ArticleFactory(headline="Scheduled", published_at=NOW + 2 * HOUR)
    day = client.get("/archive/2026/03/18/").text
    assert newsroom.story.headline in day and newsroom.neighbour.headline in day
    assert "Late ferry on the 16th" not in day
    # The nearest earlier day with a story, never the empty 17th; the 19th is not public.
    assert "/archive/2026/03/16/" in day
    assert "/archive/2026/03/17/" not in day
    assert "/archive/2026/03/19/" not in day
    assert '<a href="/archive/2026/03/">Archive: March 2026</a>' in day
    sixteenth = client.get("/archive/2026/03/16/").text
    assert "Late ferry on the 16th" in sixteenth
    assert newsroom.story.headline not in sixteenth
    assert "/archive/2026/03/18/" in sixteenth


def test_archive_days_follow_the_site_time_zone(client, settings):
    settings.TIME_ZONE = "Asia/Tokyo"
    # 08:30 on 1 March in Tokyo, 23:30 on 28 February in UTC.
    article = ArticleFactory(
        headline="Tokyo morning edition",
        published_at=datetime.datetime(2026, 2, 28, 23, 30, tzinfo=datetime.UTC),
    )
    assert "Tokyo morning edition" in client.get("/archive/2026/03/01/").text
    assert client.get("/archive/2026/02/28/").status_code == 404
    assert article.get_day_archive_url() == "/archive/2026/03/01/"


def test_an_articles_date_links_to_its_day_in_the_archive(client, newsroom):
    content = client.get(newsroom.story.get_absolute_url()).text
    assert '<span>Published <a href="/archive/2026/03/18/"' in content


def test_archive_of_an_earlier_month_excludes_other_months(client, newsroom):
    ArticleFactory(
        headline="February flood warning",
        published_at=datetime.datetime(2026, 2, 28, 23, 59, tzinfo=datetime.UTC),
    )
    february = client.get("/archive/2026/02/").text
    assert "February flood warning" in february
    assert newsroom.story.headline not in february
    assert "/archive/2026/03/" in february
    assert "February flood warning" not in client.get("/archive/2026/03/").text


def test_archive_months_follow_the_site_time_zone(client, settings):
    settings.TIME_ZONE = "Asia/Tokyo"
    # 08:30 on 1 March in Tokyo.
    ArticleFactory(
        headline="Tokyo morning edition",
        published_at=datetime.datetime(2026, 2, 28, 23, 30, tzinfo=datetime.UTC),
    )
    assert "Tokyo morning edition" in client.get("/archive/2026/03/").text
    assert "Tokyo morning edition" not in client.get("/archive/2026/02/").text


@pytest.fixture
def three_pages(settings, section, author):
    """Five stories, three pages of two in every listing; returns the stories' tag."""
    settings.ARTICLES_PER_PAGE = 2
    tag = TagFactory(name="Harbours", slug="harbours")
    for hours in range(1, 6):
        zeppelin_story(hours, section=section, author=author, tag=tag)
    return tag


def zeppelin_story(hours, *, section, author, tag):
    """A story in every paged listing: the section, tag, author, month and search."""
    return ArticleFactory(
        headline=f"Zeppelin story {hours}",
        section=section,
        authors=[author],
        tags=[tag],
        published_at=NOW - hours * HOUR,
    )


PAGED_URLS = [
    "/section/world/",
    "/tag/harbours/",
    "/author/amara-osei/",
    "/archive/2026/03/",
    "/archive/2026/03/18/",
    "/search/?q=zeppelin",
]


@pytest.mark.parametrize(
    ("number", "shown"),
    [
        ("1", 1),
        ("2", 2),
        ("3", 3),
        ("abc", 1),
        ("", 1),
        ("1.5", 1),
        ("%00", 1),
        ("%F0%9F%92%A5", 1),
        ("1e3", 1),
    ],
)
def test_a_page_number_within_the_listing_or_a_malformed_one_answers_a_page(
    client, three_pages, number, shown
):
    for url in PAGED_URLS:
        separator = "&" if "?" in url else "?"
        response = client.get(f"{url}{separator}page={number}")
        assert response.status_code == 200, url
        assert f"Page {shown} of 3" in response.text, url


@pytest.mark.parametrize("number", ["4", "99999", "99999999999999999999999", "0", "-1"])
def test_a_page_number_outside_the_listing_answers_404(client, three_pages, number):
    for url in PAGED_URLS:
        separator = "&" if "?" in url else "?"
        assert client.get(f"{url}{separator}page={number}").status_code == 404, url


@pytest.mark.parametrize("url", ["/", "/search/", "/search/?q="])
def test_a_page_that_is_never_paged_has_only_its_first_page(client, three_pages, url):
    separator = "&" if "?" in url else "?"
    for number in ["1", "abc", ""]:
        assert client.get(f"{url}{separator}page={number}").status_code == 200, number
    for number in ["2", "0", "-1", "99999999999999999999999"]:
        assert client.get(f"{url}{separator}page={number}").status_code == 404, number


def test_a_search_without_results_has_its_first_page_and_no_other(client, three_pages):
    assert client.get("/search/?q=nothingmatches").status_code == 200
    assert client.get("/search/?q=nothingmatches&page=2").status_code == 404


def test_an_archive_month_without_stories_answers_404(client, three_pages):
    assert client.get("/archive/2026/03/").status_code == 200
    assert client.get("/archive/2026/01/").status_code == 404


def test_an_archive_day_without_stories_answers_404(client, three_pages):
    assert client.get("/archive/2026/03/18/").status_code == 200
    assert client.get("/archive/2026/03/17/").status_code == 404
    # A day whose only stories are a draft and an expired story is empty too.
    ArticleFactory(draft=True, published_at=NOW - 50 * HOUR)
    ArticleFactory(published_at=NOW - 50 * HOUR, expires_at=NOW - 49 * HOUR)
    assert client.get("/archive/2026/03/16/").status_code == 404


@pytest.mark.parametrize(
    ("factory", "url", "shown"),
    [
        # A newsroom creates a section before its first story; the navigation links to it.
        (
            lambda: SectionFactory(name="Science", slug="science"),
            "/section/science/",
            "No stories in this section yet.",
        ),
        # A new reporter's profile is a page before their first story.
        (
            lambda: AuthorFactory(name="New Reporter", slug="new-reporter"),
            "/author/new-reporter/",
            "New Reporter",
        ),
    ],
    ids=["section", "author"],
)
def test_a_section_or_author_without_stories_yet_has_its_first_page_only(
    client, three_pages, factory, url, shown
):
    factory()
    response = client.get(url)
    assert response.status_code == 200
    assert shown in response.text
    assert client.get(f"{url}?page=2").status_code == 404


def test_a_tag_without_public_stories_answers_404(client, three_pages):
    airships = TagFactory(name="Airships", slug="airships")
    ArticleFactory(headline="A draft about airships", status=Article.Status.DRAFT, tags=[airships])
    assert client.get("/tag/harbours/").status_code == 200
    assert client.get("/tag/airships/").status_code == 404
    assert client.get("/tag/no-such-tag/").status_code == 404


def test_a_listings_count_is_kept_until_the_site_changes(
    client, frozen, three_pages, section, author, django_capture_on_commit_callbacks
):
    listings = [url for url in PAGED_URLS if not url.startswith("/search/")]
    for url in listings:
        assert "Page 1 of 3" in client.get(url).text, url
    # Two more stories, committed a minute later: the site's version moves and every listing
    # counts again.
    frozen.shift(datetime.timedelta(minutes=1))
    with django_capture_on_commit_callbacks(execute=True):
        for hours in (6, 7):
            zeppelin_story(hours, section=section, author=author, tag=three_pages)
    for url in listings:
        assert "Page 2 of 4" in client.get(f"{url}?page=2").text, url


def test_the_404_page_is_in_the_site_look(client, settings, section):
    settings.DEBUG = False
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    page = Markup(response.content)
    assert page.title == "Page not found | Newsroom"
    assert "We can't find that page" in response.text
    assert 'class="site-header"' in response.text
    # The navigation and a search form to find the story another way.
    assert '<a href="/section/world/">World</a>' in response.text
    forms = [attrs for tag, attrs in page.elements if tag == "form"]
    # One search form only: two landmarks with the same role and no name fail axe.
    assert len(forms) == 1
    assert {"action": "/search/", "method": "get"}.items() <= forms[0].items()
    assert any(tag == "input" and attrs.get("name") == "q" for tag, attrs in page.elements)
    assert page.first_meta("robots") == "noindex"


def test_every_page_type_has_its_own_title(client, newsroom):
    urls = reader_urls(newsroom)
    titles = {name: Markup(client.get(urls[name]).content).title for name in HTML_PAGES}
    assert titles == {
        "front-page": "Newsroom: news, analysis and opinion",
        "article": "Harbour zeppelin museum opens | World | Newsroom",
        "section": "World | Newsroom",
        "tag": "Harbours | Newsroom",
        "author": "Amara Osei | Newsroom",
        "archive": "Archive: March 2026 | Newsroom",
        "archive-day": "Archive: 18 March 2026 | Newsroom",
        "search": "Search: zeppelin | Newsroom",
    }


@pytest.mark.parametrize("name", HTML_PAGES)
def test_every_page_has_description_canonical_open_graph_and_twitter_card(client, newsroom, name):
    url = reader_urls(newsroom)[name]
    markup = Markup(client.get(url).content)
    path = url.split("?")[0]
    assert markup.first_meta("description")
    assert markup.first_link("canonical") == django_settings.SITE_URL + path
    assert markup.first_meta("og:site_name") == "Newsroom"
    assert markup.first_meta("og:title")
    assert markup.first_meta("og:description")
    assert markup.first_meta("og:type") in {"website", "article", "profile"}
    assert markup.first_meta("og:url") == django_settings.SITE_URL + path
    assert markup.first_meta("twitter:card") in {"summary", "summary_large_image"}


def test_canonical_of_a_later_page_keeps_its_page_number(client, three_pages):
    markup = Markup(client.get("/section/world/?page=2").content)
    assert markup.first_link("canonical") == django_settings.SITE_URL + "/section/world/?page=2"
    assert markup.title == "World (page 2) | Newsroom"


def test_search_results_are_kept_out_of_search_engines(client, newsroom):
    for url in ["/search/?q=zeppelin", "/search/?q=nothingmatches", "/search/?q=zeppelin&page=1"]:
        markup = Markup(client.get(url).content)
        assert markup.first_meta("robots") == "noindex, follow", url
        assert markup.first_link("canonical") == django_settings.SITE_URL + "/search/", url


@pytest.mark.parametrize("url", ["/search/", "/search/?q=", "/search/?q=++"])
def test_the_search_page_without_a_query_may_be_indexed(client, newsroom, url):
    markup = Markup(client.get(url).content)
    assert markup.first_meta("robots") is None
    assert markup.first_link("canonical") == django_settings.SITE_URL + "/search/"
    assert markup.first_meta("description")


def test_robots_txt_lets_crawlers_read_the_noindex_of_search_results(client):
    lines = client.get("/robots.txt").text.splitlines()
    # A crawler kept out of /search/ would never read the result pages' noindex.
    assert not [line for line in lines if line.startswith("Disallow: /search")]
    assert "Disallow: /preview/" in lines


def test_article_page_describes_the_article_to_search_engines(client, newsroom):
    story = newsroom.story
    markup = Markup(client.get(story.get_absolute_url()).content)
    # The social card (1.91:1): its largest rendition in the original format.
    story.hero.refresh_from_db()
    card = story.hero.picture("social")
    image_url = django_settings.SITE_URL + card.largest_url
    assert "/renditions/" in image_url and image_url.endswith(".jpg")
    assert round(card.largest_width / card.largest_height, 2) == 1.91
    assert markup.first_meta("og:image:width") == str(card.largest_width)
    assert markup.first_meta("description") == story.standfirst
    assert markup.first_meta("og:type") == "article"
    assert markup.first_meta("og:title") == story.headline
    assert markup.first_meta("og:image") == image_url
    assert markup.first_meta("og:image:alt") == "Cranes over the harbour at dawn"
    assert markup.first_meta("twitter:card") == "summary_large_image"
    assert markup.first_meta("twitter:image") == image_url
    assert markup.meta["article:tag"] == ["Harbours", "Museums"]
    assert markup.first_meta("article:section") == "World"

    [data] = markup.json_ld
    url = django_settings.SITE_URL + story.get_absolute_url()
    assert data["@type"] == "NewsArticle"
    assert data["headline"] == story.headline
    assert data["url"] == url
    assert data["mainEntityOfPage"] == {"@type": "WebPage", "@id": url}
    assert data["image"] == [image_url]
    assert data["datePublished"] == (NOW - HOUR).isoformat()
    assert data["dateModified"] == (NOW - HOUR).isoformat()
    assert data["author"] == [
        {
            "@type": "Person",
            "name": "Amara Osei",
            "url": django_settings.SITE_URL + "/author/amara-osei/",
        },
        {
            "@type": "Organization",
            "name": "News agencies",
            "url": django_settings.SITE_URL + "/author/news-agencies/",
        },
    ]
    assert data["publisher"] == {
        "@type": "Organization",
        "name": "Newsroom",
        "url": django_settings.SITE_URL + "/",
    }
    assert data["keywords"] == ["Harbours", "Museums"]


def test_json_ld_shows_a_substantive_update_as_date_modified(client, newsroom):
    Article.objects.filter(pk=newsroom.story.pk).update(updated_at=NOW - HOUR / 2)
    response = client.get(newsroom.story.get_absolute_url())
    [data] = Markup(response.content).json_ld
    assert data["dateModified"] == (NOW - HOUR / 2).isoformat()
    assert "Updated <time" in response.text


def test_json_ld_of_an_article_without_image_has_no_image(client, article):
    [data] = Markup(client.get(article.get_absolute_url()).content).json_ld
    assert "image" not in data


def test_a_hostile_headline_cannot_break_out_of_the_json_ld_block(client, section):
    headline = "</script><script>alert(1)</script>"
    article = ArticleFactory(headline=headline, section=section)
    response = client.get(article.get_absolute_url())
    assert "<script>alert(1)" not in response.text
    [data] = Markup(response.content).json_ld
    assert data["headline"] == headline


def test_article_page_shows_the_whole_story(client, newsroom):
    story = newsroom.story
    response = client.get(story.get_absolute_url())
    content = response.text
    markup = Markup(response.content)
    assert '<p class="kicker"><a href="/section/world/">World</a></p>' in content
    assert '<h1 id="headline" class="headline">Harbour zeppelin museum opens</h1>' in content
    assert '<p class="standfirst">The hangar on the quay becomes a museum of airships.</p>' in (
        content
    )
    hero = [attrs for tag, attrs in markup.elements if tag == "img" and "fetchpriority" in attrs]
    story.hero.refresh_from_db()
    picture = story.hero.picture("hero")
    assert hero == [
        {
            "src": picture.src,
            "srcset": picture.srcset,
            "sizes": "(max-width: 46rem) 100vw, 46rem",
            "alt": "Cranes over the harbour at dawn",
            "width": str(picture.width),
            "height": str(picture.height),
            "fetchpriority": "high",
        }
    ]
    assert picture.src.startswith(django_settings.MEDIA_URL + "library/renditions/")
    [(webp, srcset)] = picture.sources
    assert (
        "source",
        {"type": webp, "srcset": srcset, "sizes": "(max-width: 46rem) 100vw, 46rem"},
    ) in markup.elements
    assert (
        "<figcaption>The harbour front, where building starts in spring. "
        '<span class="credit">Photo: Newsroom</span></figcaption>'
    ) in content
    assert (
        'By <a href="/author/amara-osei/">Amara Osei</a> and '
        '<a href="/author/news-agencies/">News agencies</a>'
    ) in content
    assert '<time datetime="2026-03-18T11:00:00+00:00">' in content
    assert "1 min read" in content
    assert "<h2>Tickets</h2><p>Entry is free in March.</p>" in content
    assert "Source: News agencies" in content
    assert '<a href="/tag/harbours/">Harbours</a>' in content
    assert '<a href="/tag/museums/">Museums</a>' in content
    assert "Related stories" in content and newsroom.neighbour.headline in content
    share_url = "http%3A//127.0.0.1%3A8000/news/2026/03/18/harbour-zeppelin-museum-opens/"
    for share in [
        "mailto:?subject=",
        "https://x.com/intent/post?",
        "https://www.facebook.com/sharer/sharer.php?u=" + share_url,
        "https://www.linkedin.com/sharing/share-offsite/?url=" + share_url,
    ]:
        assert share in content


def test_article_page_without_source_or_image_leaves_them_out(client, section):
    article = ArticleFactory(source="", section=section)
    content = client.get(article.get_absolute_url()).text
    assert "Source:" not in content
    assert '<figure class="hero">' not in content


def test_the_front_pages_lead_picture_alone_is_fetched_first(client, section):
    lead = ArticleFactory(section=section, with_image=True, is_featured=True)
    ArticleFactory(section=section, with_image=True)
    markup = Markup(client.get("/").content)
    first = [attrs for tag, attrs in markup.elements if tag == "img" and "fetchpriority" in attrs]
    assert len(first) == 1
    lead.hero.refresh_from_db()
    assert lead.hero.renditions["teaser"]["JPEG"][0]["name"] in first[0]["srcset"]

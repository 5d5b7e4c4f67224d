import datetime
import html
import xml.etree.ElementTree as ET
from urllib.parse import urlsplit

import pytest
import time_machine

from tests.factories import ArticleFactory, AuthorFactory, SectionFactory, TagFactory

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 3, 18, 12, 0, tzinfo=datetime.UTC)
HOUR = datetime.timedelta(hours=1)
MICROSECOND = datetime.timedelta(microseconds=1)
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
NEWS = "{http://www.google.com/schemas/sitemap-news/0.9}"


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def stories(section, author):
    """Public stories in two sections by two authors, and three that readers may not see."""
    other_author = AuthorFactory(name="Jonas Berg", slug="jonas-berg")
    business = SectionFactory(name="Business", slug="business")
    tag = TagFactory(name="Ports", slug="ports")
    return {
        "world": ArticleFactory(
            headline="Fish & chips <prices> soar",
            section=section,
            authors=[author, other_author],
            tags=[tag, TagFactory(name="Food & drink", slug="food")],
            published_at=NOW - HOUR,
        ),
        "business": ArticleFactory(
            headline="Shipping rates fall",
            section=business,
            authors=[other_author],
            published_at=NOW - 2 * HOUR,
        ),
        "draft": ArticleFactory(
            headline="Hidden draft", section=section, authors=[author], draft=True
        ),
        "scheduled": ArticleFactory(
            headline="Hidden scheduled",
            section=section,
            authors=[author],
            published_at=NOW + HOUR,
        ),
        "expired": ArticleFactory(
            headline="Hidden expired",
            section=section,
            authors=[author],
            published_at=NOW - 3 * HOUR,
            expires_at=NOW - HOUR,
        ),
    }


def parse(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return ET.fromstring(response.content)


def rss_items(client, url):
    """The items by title, as a feed reader that shows titles as HTML reads them."""
    channel = parse(client, url).find("channel")
    return {html.unescape(item.findtext("title")): item for item in channel.findall("item")}


def is_absolute(url):
    parts = urlsplit(url)
    return parts.scheme in {"http", "https"} and bool(parts.netloc)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("/rss.xml", {"Fish & chips <prices> soar", "Shipping rates fall"}),
        ("/section/world/rss.xml", {"Fish & chips <prices> soar"}),
        ("/section/business/rss.xml", {"Shipping rates fall"}),
        ("/author/amara-osei/rss.xml", {"Fish & chips <prices> soar"}),
        ("/author/jonas-berg/rss.xml", {"Fish & chips <prices> soar", "Shipping rates fall"}),
    ],
)
def test_feeds_list_exactly_the_public_articles_they_cover(client, stories, url, expected):
    items = rss_items(client, url)
    assert set(items) == expected
    for item in items.values():
        assert is_absolute(item.findtext("link"))
        assert item.findtext("guid") == item.findtext("link")


def test_feed_items_carry_link_date_bylines_and_section(client, stories):
    item = rss_items(client, "/rss.xml")["Fish & chips <prices> soar"]
    assert urlsplit(item.findtext("link")).path == stories["world"].get_absolute_url()
    assert item.findtext("description") == stories["world"].standfirst
    assert item.findtext("pubDate") == "Wed, 18 Mar 2026 11:00:00 +0000"
    assert item.findtext("category") == "World"
    assert "Amara Osei, Jonas Berg" in ET.tostring(item, encoding="unicode")


@pytest.mark.parametrize(
    "url", ["/rss.xml", "/section/world/rss.xml", "/author/amara-osei/rss.xml"]
)
def test_feed_text_is_escaped_for_html_as_well_as_xml(client, section, author, url):
    """A reader that treats a title as HTML shows `<script>` and `&` as text, never markup."""
    ArticleFactory(
        headline="<script>alert(1)</script> & more",
        standfirst="<b>Bold</b> & <img src=x onerror=alert(1)>",
        section=section,
        authors=[author],
        published_at=NOW - HOUR,
    )
    item = parse(client, url).find("channel").find("item")
    assert item.findtext("title") == "&lt;script&gt;alert(1)&lt;/script&gt; &amp; more"
    assert item.findtext("description") == (
        "&lt;b&gt;Bold&lt;/b&gt; &amp; &lt;img src=x onerror=alert(1)&gt;"
    )
    raw = client.get(url).content.decode()
    assert "<script>" not in raw and "&lt;script&gt;" not in raw


def test_feeds_describe_themselves(client, stories):
    channel = parse(client, "/section/world/rss.xml").find("channel")
    assert channel.findtext("title") == "World | Newsroom"
    assert is_absolute(channel.findtext("link"))
    assert urlsplit(channel.findtext("link")).path == "/section/world/"
    channel = parse(client, "/author/amara-osei/rss.xml").find("channel")
    assert channel.findtext("title") == "Amara Osei | Newsroom"
    assert channel.findtext("description") == "Stories by Amara Osei for Newsroom."


def test_feeds_hold_the_30_newest_articles(client, section):
    for minutes in range(31):
        ArticleFactory(
            headline=f"Story {minutes}",
            section=section,
            published_at=NOW - datetime.timedelta(minutes=minutes + 1),
        )
    titles = list(rss_items(client, "/rss.xml"))
    assert len(titles) == 30
    assert titles[0] == "Story 0"
    assert "Story 30" not in titles


def test_sitemap_index_points_to_every_sitemap_with_absolute_links(client, stories):
    root = parse(client, "/sitemap.xml")
    locations = [loc.text for loc in root.iter(f"{SITEMAP}loc")]
    assert all(is_absolute(loc) for loc in locations)
    assert sorted(urlsplit(loc).path for loc in locations) == [
        "/sitemap-articles.xml",
        "/sitemap-authors.xml",
        "/sitemap-home.xml",
        "/sitemap-sections.xml",
    ]


def test_sitemap_index_is_kept_until_the_site_changes(
    client, stories, section, monkeypatch, django_capture_on_commit_callbacks
):
    """Its counts and latest change are kept; a new article shows in the next index."""
    monkeypatch.setattr("articles.sitemaps.ArticleSitemap.limit", 1)

    def article_pages():
        root = parse(client, "/sitemap.xml")
        return sorted(
            urlsplit(loc.text).query
            for loc in root.iter(f"{SITEMAP}loc")
            if urlsplit(loc.text).path == "/sitemap-articles.xml"
        )

    before = article_pages()
    assert article_pages() == before
    # The clock stands still here; the site's version is a moment, so the change takes one.
    with (
        time_machine.travel(NOW + HOUR, tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        ArticleFactory(section=section, published_at=NOW - datetime.timedelta(minutes=1))
    assert article_pages() != before


@pytest.mark.parametrize(
    ("url", "expected_paths"),
    [
        ("/sitemap-home.xml", lambda stories: {"/"}),
        ("/sitemap-sections.xml", lambda stories: {"/section/world/", "/section/business/"}),
        ("/sitemap-authors.xml", lambda stories: {"/author/amara-osei/", "/author/jonas-berg/"}),
        (
            "/sitemap-articles.xml",
            lambda stories: {
                stories["world"].get_absolute_url(),
                stories["business"].get_absolute_url(),
            },
        ),
    ],
)
def test_sitemaps_list_public_pages_with_absolute_links(client, stories, url, expected_paths):
    locations = [
        loc.text
        for page in pages_of(client, url)
        for loc in parse(client, page).iter(f"{SITEMAP}loc")
    ]
    assert all(is_absolute(loc) for loc in locations)
    assert {urlsplit(loc).path for loc in locations} == expected_paths(stories)


def pages_of(client, url):
    """The sitemap's own address, or for the article sitemap, whose pages are ranges of ids
    (and ids do not start again at 1 in each test on PostgreSQL), every page the index lists."""
    if url != "/sitemap-articles.xml":
        return [url]
    pages = []
    for loc in parse(client, "/sitemap.xml").iter(f"{SITEMAP}loc"):
        address = urlsplit(loc.text)
        if address.path == url:
            pages.append(f"{address.path}?{address.query}" if address.query else address.path)
    return pages


def article_sitemap_pages(client):
    """{page address: [article paths]} of every article sitemap page the index lists."""
    return {
        url: [urlsplit(entry.text).path for entry in parse(client, url).iter(f"{SITEMAP}loc")]
        for url in pages_of(client, "/sitemap-articles.xml")
    }


@pytest.fixture
def many_stories(section, monkeypatch):
    """Eleven public stories and a draft, three ids to a page of the article sitemap."""
    monkeypatch.setattr("articles.sitemaps.ArticleSitemap.limit", 3)
    stories = [
        ArticleFactory(section=section, published_at=NOW - (n + 1) * HOUR) for n in range(11)
    ]
    ArticleFactory(section=section, draft=True)
    return stories


def test_article_sitemap_pages_list_every_public_article_exactly_once(client, many_stories):
    pages = article_sitemap_pages(client)
    listed = [path for paths in pages.values() for path in paths]
    assert sorted(listed) == sorted(story.get_absolute_url() for story in many_stories)
    assert all(len(paths) <= 3 for paths in pages.values())


def test_article_sitemap_pages_keep_their_articles_when_the_site_changes(
    client, many_stories, section, django_capture_on_commit_callbacks
):
    """A new story lands on a later page; one unpublished leaves its page, nothing moves."""
    before = article_sitemap_pages(client)
    with (
        time_machine.travel(NOW + HOUR, tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        new = ArticleFactory(section=section, published_at=NOW)
        gone = many_stories[4]
        gone.status = "unpublished"
        gone.save()
    after = article_sitemap_pages(client)
    for url, paths in before.items():
        kept = [path for path in paths if path != gone.get_absolute_url()]
        assert after[url][: len(kept)] == kept
    assert new.get_absolute_url() in [path for paths in after.values() for path in paths]
    assert gone.get_absolute_url() not in [path for paths in after.values() for path in paths]


def test_article_sitemap_index_gives_each_page_its_latest_change(client, many_stories):
    modified = {}
    for story in many_stories:
        page = (story.pk - 1) // 3 + 1
        modified[page] = max(modified.get(page, story.modified), story.modified)
    lastmods = {}
    for entry in parse(client, "/sitemap.xml").iter(f"{SITEMAP}sitemap"):
        address = urlsplit(entry.findtext(f"{SITEMAP}loc"))
        if address.path == "/sitemap-articles.xml":
            page = int(address.query.removeprefix("p=")) if address.query else 1
            lastmods[page] = datetime.datetime.fromisoformat(entry.findtext(f"{SITEMAP}lastmod"))
    assert lastmods == modified


@pytest.mark.parametrize("page", ["past the last", "0", "-1", "abc", "1.5", str(2**63), "9" * 40])
def test_an_article_sitemap_page_out_of_range_or_malformed_is_not_found(client, many_stories, page):
    if page == "past the last":
        last = max(story.pk for story in many_stories)
        page = str((last - 1) // 3 + 2)
    assert client.get(f"/sitemap-articles.xml?p={page}").status_code == 404


def test_an_empty_first_page_of_the_article_sitemap_is_an_empty_list(client, db):
    response = client.get("/sitemap-articles.xml")
    assert response.status_code == 200
    assert list(parse(client, "/sitemap-articles.xml").iter(f"{SITEMAP}url")) == []


def test_an_author_whose_articles_are_all_hidden_is_not_in_the_sitemap(client, stories):
    ghost = AuthorFactory(slug="ghost")
    stories["draft"].authors.add(ghost)
    stories["expired"].authors.add(ghost)
    content = client.get("/sitemap-authors.xml").text
    assert "/author/ghost/" not in content


def news_entries(client):
    root = parse(client, "/news-sitemap.xml")
    return {url.findtext(f"{NEWS}news/{NEWS}title"): url for url in root.findall(f"{SITEMAP}url")}


def test_news_sitemap_describes_recent_public_articles(client, settings, stories):
    entries = news_entries(client)
    assert set(entries) == {"Fish & chips <prices> soar", "Shipping rates fall"}
    entry = entries["Fish & chips <prices> soar"]
    assert entry.findtext(f"{SITEMAP}loc") == (
        settings.SITE_URL + stories["world"].get_absolute_url()
    )
    news = entry.find(f"{NEWS}news")
    assert news.findtext(f"{NEWS}publication/{NEWS}name") == "Newsroom"
    assert news.findtext(f"{NEWS}publication/{NEWS}language") == "en"
    assert news.findtext(f"{NEWS}publication_date") == "2026-03-18T11:00:00+00:00"
    assert news.findtext(f"{NEWS}keywords") == "Food & drink, Ports"


@pytest.mark.parametrize(
    ("first_published", "listed"),
    [
        pytest.param(NOW, True, id="just-now"),
        pytest.param(NOW - 47 * HOUR, True, id="47-hours-ago"),
        pytest.param(NOW - 48 * HOUR, True, id="exactly-48-hours-ago"),
        pytest.param(NOW - 48 * HOUR - MICROSECOND, False, id="just-over-48-hours-ago"),
        pytest.param(NOW - 30 * 24 * HOUR, False, id="a-month-ago"),
    ],
)
def test_news_sitemap_holds_articles_first_published_in_the_last_48_hours(
    client, first_published, listed
):
    ArticleFactory(headline="Boundary story", published_at=first_published)
    assert ("Boundary story" in news_entries(client)) is listed


def test_news_sitemap_goes_by_first_publication_not_a_later_republication(client, frozen):
    article = ArticleFactory(headline="Old story bumped", published_at=NOW - 72 * HOUR)
    article.published_at = NOW - HOUR
    article.save()
    assert "Old story bumped" not in news_entries(client)


def test_news_sitemap_drops_an_article_48_hours_after_it_appeared(client, frozen):
    ArticleFactory(headline="Fading story", published_at=NOW)
    assert "Fading story" in news_entries(client)
    frozen.move_to(NOW + 48 * HOUR)
    assert "Fading story" in news_entries(client)
    frozen.move_to(NOW + 48 * HOUR + MICROSECOND)
    assert "Fading story" not in news_entries(client)


def test_robots_txt_lists_both_sitemaps(client, settings):
    response = client.get("/robots.txt")
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.text.splitlines()
    assert f"Sitemap: {settings.SITE_URL}/sitemap.xml" in lines
    assert f"Sitemap: {settings.SITE_URL}/news-sitemap.xml" in lines
    assert "User-agent: *" in lines


@pytest.mark.parametrize("url", ["/rss.xml", "/news-sitemap.xml"])
def test_a_control_character_in_a_headline_does_not_break_the_xml(client, url):
    """Word's soft line break is U+000B: pasted into a headline, it must not break the XML."""
    ArticleFactory(headline="Storm warning\x0bfor the coast", standfirst="Gales\x08 expected.")
    response = client.get(url)
    assert response.status_code == 200
    assert "Storm warningfor the coast" in ET.tostring(ET.fromstring(response.content), "unicode")


@pytest.mark.parametrize(
    "url",
    [
        "/rss.xml",
        "/section/world/rss.xml",
        "/author/amara-osei/rss.xml",
        "/sitemap.xml",
        "/sitemap-home.xml",
        "/sitemap-sections.xml",
        "/sitemap-authors.xml",
        "/sitemap-articles.xml",
        "/news-sitemap.xml",
    ],
)
def test_feeds_and_sitemaps_link_to_the_public_site_address(client, settings, section, author, url):
    """Links use SITE_URL like robots.txt and the news sitemap, not the request's host."""
    settings.SITE_URL = "https://news.example.com"
    ArticleFactory(section=section, authors=[author])
    links = []
    for page in pages_of(client, url):
        root = parse(client, page)
        links += [e.text for e in root.iter() if e.tag in {"link", "guid", f"{SITEMAP}loc"}]
        links += [e.get("href") for e in root.iter("{http://www.w3.org/2005/Atom}link")]
    assert links
    assert all(link.startswith("https://news.example.com/") for link in links)

"""Old addresses answer 301: stored redirects, address changes, the admin, hostile input."""

import datetime

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles.models import Redirect, record_move
from newsroom import pagecache
from tests.factories import ArticleFactory, ImageFactory, sync_pictures

pytestmark = pytest.mark.django_db

MIDDLEWARE = "articles.redirects.redirect_fallback"


def test_a_stored_redirect_answers_301_to_its_target(client):
    Redirect.objects.create(old_path="/2019/05/harbour-reopens/", target="/news/2024/3/1/x/")
    response = client.get("/2019/05/harbour-reopens/")
    assert response.status_code == 301
    assert response["Location"] == "/news/2024/3/1/x/"


def test_the_query_string_comes_along(client):
    Redirect.objects.create(old_path="/old/", target="/new/")
    response = client.get("/old/?page=2&utm_source=mail")
    assert response["Location"] == "/new/?page=2&utm_source=mail"


def test_a_target_with_its_own_query_keeps_only_its_own(client):
    Redirect.objects.create(old_path="/old/", target="/search/?q=harbour")
    assert client.get("/old/?page=2")["Location"] == "/search/?q=harbour"


def test_an_address_with_or_without_its_final_slash_finds_the_redirect(client):
    Redirect.objects.create(old_path="/about-us", target="/section/world/")
    Redirect.objects.create(old_path="/contact/", target="/section/world/")
    assert client.get("/about-us/")["Location"] == "/section/world/"
    assert client.get("/contact")["Location"] == "/section/world/"


def test_an_external_target_is_followed(client):
    Redirect.objects.create(old_path="/shop/", target="https://shop.example/harbour")
    assert client.get("/shop/")["Location"] == "https://shop.example/harbour"


def test_unicode_and_percent_escaped_addresses_are_the_same_address(client):
    Redirect.objects.create(
        old_path="https://old-site.example/2019/05/%C3%A6r%C3%B8-ferje/?p=4", target="/new/"
    )
    assert Redirect.objects.get().old_path == "/2019/05/ærø-ferje/"
    assert client.get("/2019/05/%C3%A6r%C3%B8-ferje/").status_code == 301


def test_an_address_without_a_redirect_still_answers_404(client):
    assert client.get("/no-such-page/").status_code == 404


def test_only_reading_is_redirected(client):
    Redirect.objects.create(old_path="/old/", target="/new/")
    assert client.post("/old/").status_code == 404
    assert client.head("/old/").status_code == 301


def query_count(url, *, status=200):
    """Queries of a request after a first one has filled the caches (a new client each time:
    a client loads the middleware once)."""
    client = Client()
    assert client.get(url).status_code == status
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == status
    return len(queries)


@pytest.fixture
def without_redirects(settings):
    """Measures what a request cost before redirects existed."""
    installed = list(settings.MIDDLEWARE)
    assert MIDDLEWARE in installed

    def measure(url, *, status=200):
        settings.MIDDLEWARE = [name for name in installed if name != MIDDLEWARE]
        try:
            return query_count(url, status=status)
        finally:
            settings.MIDDLEWARE = installed

    return measure


def test_a_404_asks_the_redirects_once(without_redirects, django_assert_num_queries):
    before = without_redirects("/nothing-here/", status=404)
    client = Client()
    client.get("/nothing-here/")
    with django_assert_num_queries(before + 1):
        assert client.get("/nothing-here/").status_code == 404


@pytest.mark.parametrize("url_of", ["front", "article", "section"])
def test_ordinary_pages_cost_no_query_for_redirects(
    url_of, article, without_redirects, django_assert_num_queries
):
    """The lookup happens only for a 404: a page costs what it cost without redirects."""
    url = {
        "front": "/",
        "article": article.get_absolute_url(),
        "section": article.section.get_absolute_url(),
    }[url_of]
    Redirect.objects.create(old_path="/old/", target=url)
    before = without_redirects(url)
    cache.clear()
    pagecache.forget_recent()
    client = Client()
    client.get(url)
    with django_assert_num_queries(before):
        assert client.get(url).status_code == 200


def moved(article, **changes):
    old_url = article.get_absolute_url()
    for name, value in changes.items():
        setattr(article, name, value)
    article.save()
    return old_url


def test_changing_a_published_articles_slug_redirects_the_old_address(client, article):
    old_url = moved(article, slug="harbour-plan-approved")
    assert old_url != article.get_absolute_url()
    redirect = Redirect.objects.get(old_path=old_url)
    assert redirect.target == article.get_absolute_url()
    assert redirect.source == Redirect.Source.SLUG_CHANGE
    response = client.get(old_url)
    assert response.status_code == 301
    assert response["Location"] == article.get_absolute_url()
    assert client.get(response["Location"]).status_code == 200


def test_changing_the_date_in_the_address_redirects_too(client, article):
    """The date in the address is that of first publication; moving it moves the address."""
    old_url = moved(
        article, first_published_at=article.first_published_at - datetime.timedelta(days=3)
    )
    assert old_url != article.get_absolute_url()
    assert Redirect.objects.get(old_path=old_url).target == article.get_absolute_url()
    assert client.get(old_url)["Location"] == article.get_absolute_url()


def test_a_second_change_sends_both_old_addresses_straight_to_the_newest(article):
    first = moved(article, slug="second-name")
    second = moved(article, slug="third-name")
    newest = article.get_absolute_url()
    assert dict(Redirect.objects.values_list("old_path", "target")) == {
        first: newest,
        second: newest,
    }


def test_going_back_to_an_old_slug_leaves_no_loop(client, section):
    article = ArticleFactory(section=section, slug="first-name")
    first = moved(article, slug="second-name")
    second = moved(article, slug="first-name")
    assert article.get_absolute_url() == first
    assert dict(Redirect.objects.values_list("old_path", "target")) == {second: first}
    assert client.get(first).status_code == 200
    assert client.get(second)["Location"] == first


@pytest.mark.parametrize("kind", ["draft", "scheduled"])
def test_an_article_nobody_has_seen_yet_changes_its_slug_freely(kind, section):
    article = ArticleFactory(section=section, **{kind: True})
    moved(article, slug="renamed-before-anyone-saw-it")
    assert not Redirect.objects.exists()


def test_saving_without_a_change_of_address_adds_nothing(article):
    moved(article, headline="A better headline")
    assert not Redirect.objects.exists()


def test_record_move_ignores_a_move_to_the_same_place():
    assert record_move(old_path="/a/", new_path="/a/") is None
    assert not Redirect.objects.exists()


def full_clean_errors(**fields):
    with pytest.raises(ValidationError) as caught:
        Redirect(**fields).full_clean()
    return caught.value.message_dict


@pytest.mark.parametrize(
    ("fields", "field", "code_text"),
    [
        ({"old_path": "/same/", "target": "/same/"}, "target", "circle"),
        ({"old_path": "relative/", "target": "/new/"}, "old_path", "starting with"),
        ({"old_path": "//evil.example/", "target": "/new/"}, "old_path", "starting with"),
        ({"old_path": "/old/%00/", "target": "/new/"}, "old_path", "characters"),
        ({"old_path": "/old/", "target": "javascript:alert(1)"}, "target", "must start"),
        ({"old_path": "/old/", "target": "//evil.example/"}, "target", "must start"),
        ({"old_path": "/old/", "target": "new/"}, "target", "one"),
        ({"old_path": "/old/", "target": "http://[::1"}, "target", "not a valid"),
        ({"old_path": "/old/", "target": ""}, "target", "Give the new address"),
    ],
)
def test_bad_redirects_are_refused_with_a_clear_message(fields, field, code_text):
    errors = full_clean_errors(**fields)
    assert code_text in " ".join(errors[field])


def test_an_old_picture_address_leads_to_the_picture_only_while_it_is_public(editor_client):
    """A picture's public address changes with its renditions and exists only while a
    public page shows it: the redirect follows the library image, and answers 404 before."""
    client = Client()
    image = ImageFactory()
    redirect = Redirect(old_path="/wp-content/uploads/2024/03/quay.jpg", image=image)
    redirect.full_clean()
    redirect.save()
    assert client.get(redirect.old_path).status_code == 404
    # A published story shows it: it goes public once the save's sync has run.
    with_story = ArticleFactory(body=f'<p><img data-image="{image.pk}" alt="The quay"></p>')
    sync_pictures(image.pk)
    response = client.get(redirect.old_path)
    assert response.status_code == 301
    image.refresh_from_db()
    largest = image.renditions["body"]["JPEG"][-1]["name"]
    assert response["Location"] == f"/media/{largest}"
    assert client.get(response["Location"]).status_code == 200
    listing = editor_client.get(reverse("admin:articles_redirect_changelist")).content.decode()
    assert f"library picture {image.pk} (while it is public)" in listing
    with_story.delete()
    sync_pictures(image.pk)
    assert client.get(redirect.old_path).status_code == 404


def test_a_redirect_leading_back_through_another_is_refused():
    Redirect.objects.create(old_path="/b/", target="/a/")
    errors = full_clean_errors(old_path="/a/", target="/b/")
    assert "circle" in errors["target"][0]


@pytest.mark.parametrize(
    "path",
    [
        "/%00",
        "/old/%00/",
        "/" + "a" * 5000,
        "/..%2f..%2fetc/passwd",
        "/%ff%fe%fd/",
        "/%E2%80%AE/",
        "/%0d%0aSet-Cookie:%20x=1/",
        "/%5C%5Cevil.example/",
        "/admin/../../",
        "/?q=%00",
    ],
)
def test_hostile_addresses_never_cause_a_server_error(client, path):
    Redirect.objects.create(old_path="/old/", target="/new/")
    response = client.get(path)
    assert response.status_code in {200, 301, 302, 400, 404}
    assert "Set-Cookie" not in response.get("Location", "")


def test_a_stored_target_the_browser_must_not_follow_is_not_sent(client):
    """Written around the form's checks (an import), it still never becomes a Location."""
    Redirect.objects.bulk_create([Redirect(old_path="/x/", target="javascript:alert(1)")])
    assert client.get("/x/").status_code == 404


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


def test_an_editor_adds_a_redirect_in_the_admin(editor_client):
    response = editor_client.post(
        reverse("admin:articles_redirect_add"),
        {"old_path": "/2018/01/old-story/", "target": "/section/world/", "source": "manual"},
    )
    assert response.status_code == 302
    redirect = Redirect.objects.get()
    assert (redirect.old_path, redirect.target) == ("/2018/01/old-story/", "/section/world/")


def test_an_editor_edits_searches_and_lists_redirects(editor_client):
    redirect = Redirect.objects.create(old_path="/old-story/", target="/section/world/")
    Redirect.objects.create(old_path="/unrelated/", target="/")
    url = reverse("admin:articles_redirect_change", args=[redirect.pk])
    response = editor_client.post(
        url, {"old_path": "/old-story/", "target": "https://archive.example/", "source": "manual"}
    )
    assert response.status_code == 302
    redirect.refresh_from_db()
    assert redirect.target == "https://archive.example/"
    listing = editor_client.get(reverse("admin:articles_redirect_changelist"), {"q": "old-st"})
    assert listing.status_code == 200
    assert b"/old-story/" in listing.content and b"/unrelated/" not in listing.content


def test_the_admin_refuses_a_loop_next_to_the_field(editor_client):
    response = editor_client.post(
        reverse("admin:articles_redirect_add"),
        {"old_path": "/loop/", "target": "/loop/", "source": "manual"},
    )
    assert response.status_code == 200
    assert "round in a circle" in response.context["adminform"].form.errors["target"][0]
    assert not Redirect.objects.exists()


def test_writers_cannot_manage_redirects(client, writer):
    client.force_login(writer)
    assert client.get(reverse("admin:articles_redirect_changelist")).status_code == 403


# --- the old addresses of an imported WordPress site -------------------------------------


@pytest.fixture
def imported(tmp_path):
    """A made-up export imported: a published post with a category, a tag and an author."""
    import io

    from django.core.management import call_command

    from articles.models import Article, Tag
    from tests.articles.wordpress.builder import WXRAuthor, WXRItem, wxr_bytes

    # The tag exists here under another slug: the import uses it, and its old address moves.
    Tag.objects.create(name="Ferries", slug="ferries")
    path = tmp_path / "export.xml"
    path.write_bytes(
        wxr_bytes(
            items=[
                WXRItem(
                    123,
                    creator="enness",
                    title="Harbour reopens",
                    slug="harbour-reopens",
                    categories=[
                        ("category", "harbour-news", "Harbour"),
                        ("post_tag", "ferry-lines", "Ferries"),
                    ],
                ),
                WXRItem(
                    124,
                    title="Not yet",
                    slug="not-yet",
                    status="draft",
                    categories=[("category", "harbour-news", "Harbour")],
                ),  # fmt: skip
            ],
            authors=[WXRAuthor(2, "enness", display_name="Edda Ness")],
        )
    )
    call_command("import_wordpress", str(path), stdout=io.StringIO(), stderr=io.StringIO())
    return Article.objects.get(slug="harbour-reopens")


@pytest.mark.parametrize(
    "old",
    [
        "/2024/03/01/harbour-reopens/",
        "/2024/03/harbour-reopens/",
        "/harbour-reopens/",
        "/harbour-reopens",
        "/2024/03/01/harbour-reopens/feed/",
        "/harbour-reopens/feed/",
    ],
)
def test_every_wordpress_form_of_a_posts_address_leads_to_its_article(client, imported, old):
    response = client.get(old)
    assert response.status_code == 301
    assert response["Location"] == imported.get_absolute_url()


def test_wordpress_listing_addresses_lead_to_their_pages(client, imported):
    from authors.models import Author

    expected = {
        "/category/harbour-news/": imported.section.get_absolute_url(),
        "/tag/ferry-lines/": imported.tags.get().get_absolute_url(),
        "/author/enness/": Author.objects.get(name="Edda Ness").get_absolute_url(),
        "/feed/": reverse("articles:feed"),
    }
    for old, new in expected.items():
        response = client.get(old)
        assert (old, response.status_code, response["Location"]) == (old, 301, new)


def test_a_wordpress_short_address_leads_to_the_article(client, imported):
    client.get("/")  # the front page cached: the short address is still answered
    for old in ("/?p=123", "/?p=123&utm_source=mail", "/index.php?p=123"):
        response = client.get(old)
        assert (old, response.status_code) == (old, 301)
        assert response["Location"] == imported.get_absolute_url()


@pytest.mark.parametrize("old", ["/?p=124", "/?p=999", "/?p=abc", "/?p=" + "9" * 40])
def test_a_short_address_of_nothing_public_is_the_front_page(client, imported, old):
    """A draft, an unknown or a malformed id: no redirect, no error."""
    assert client.get(old).status_code == 200


def test_the_front_page_asks_nothing_about_wordpress(client, imported):
    client.get("/")
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/").status_code == 200
        assert client.get("/?cpage=2").status_code in {200, 404}
    assert not [q for q in queries if "wordpresslink" in q["sql"].lower()]

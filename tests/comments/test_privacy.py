"""A commenter's email address never reaches a reader, in any form."""

import hashlib

import pytest

from comments.models import Comment
from tests.factories import CommentFactory

pytestmark = pytest.mark.django_db

EMAILS = ["private.person@example.org", "Second.Reader@Example.net"]


def forms_of(email):
    """The address and the digests an avatar service or a careless template could leak."""
    forms = set()
    for variant in {email, email.lower(), email.strip().lower()}:
        forms.add(variant)
        for algorithm in ("md5", "sha1", "sha256"):
            forms.add(hashlib.new(algorithm, variant.encode()).hexdigest())
    return forms


@pytest.fixture
def thread(article):
    first = CommentFactory(article=article, author_email=EMAILS[0], author_name="Private Person")
    CommentFactory(
        article=article, parent=first, depth=2, author_email=EMAILS[1], notify_replies=True
    )
    return article


def reader_urls(article):
    return [
        article.get_absolute_url(),
        article.get_absolute_url() + f"?replyto={Comment.objects.first().pk}",
        article.get_absolute_url() + "comments/rss.xml",
        "/",
        "/rss.xml",
        f"/section/{article.section.slug}/",
        f"/section/{article.section.slug}/rss.xml",
        "/sitemap.xml",
        "/sitemap-articles.xml",
        "/news-sitemap.xml",
        "/search/?q=harbour",
    ]


def test_no_reader_response_carries_an_email_or_its_digest(client, thread):
    for url in reader_urls(thread):
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.content.decode()
        for email in EMAILS:
            for leaked in forms_of(email):
                assert leaked not in body, f"{url} leaks {leaked}"


def test_a_refused_form_shows_the_poster_only_their_own_address(thread, post_comment):
    html = post_comment(thread, body="").content.decode()
    assert "ines@example.net" in html  # their own, typed into the form, sent back to them
    for email in EMAILS:
        for leaked in forms_of(email):
            assert leaked not in html


def test_the_article_comments_feed_carries_approved_comments_only(client, thread):
    CommentFactory(article=thread, pending=True, body="Not yet approved words.")
    CommentFactory(article=thread, status="spam", body="Spam words.")
    response = client.get(thread.get_absolute_url() + "comments/rss.xml")
    assert response["Content-Type"].startswith("application/rss+xml")
    xml = response.content.decode()
    assert xml.count("<item>") == 2
    assert "Not yet approved words." not in xml and "Spam words." not in xml
    assert f"#comment-{Comment.objects.approved().first().pk}" in xml


def test_the_comments_feed_of_an_unknown_or_misdated_article_is_not_found(client, thread):
    assert client.get("/news/2020/01/01/no-such-story/comments/rss.xml").status_code == 404
    year, month, day = thread.get_absolute_url().split("/")[2:5]
    misdated = thread.get_absolute_url().replace(f"/{day}/", f"/{int(day) % 28 + 1:02d}/")
    assert client.get(misdated + "comments/rss.xml").status_code == 404


# The privacy notice and the commenter's own pages ------------------------------------------


def test_the_form_says_what_is_kept_and_links_to_the_privacy_page(client, thread):
    html = client.get(thread.get_absolute_url()).content.decode()
    assert 'class="comment-privacy"' in html and 'href="/comments/privacy/"' in html


def test_the_privacy_page_follows_the_retention_settings(client, settings, db):
    settings.COMMENTS_KEEP_IP_DAYS = 12
    response = client.get("/comments/privacy/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "IP addresses and browser names are deleted after 12 days." in html
    assert "Set-Cookie" not in response.headers


def test_the_site_can_write_its_own_privacy_page(client, db):
    from comments.models import DiscussionSettings

    DiscussionSettings(privacy_notice="Our own words.\n\n<script>x</script> Ask us.").save()
    html = client.get("/comments/privacy/").content.decode()
    assert "<p>Our own words.</p>" in html and "&lt;script&gt;" in html
    assert "<script>x</script>" not in html


def test_the_posters_private_response_shows_no_other_address(client, thread, post_comment):
    location = post_comment(thread)["Location"]
    html = client.get(location).content.decode()
    assert "/comments/manage/" in html
    for email in EMAILS + ["ines@example.net"]:
        for leaked in forms_of(email):
            assert leaked not in html


def test_the_comments_feed_escapes_names_and_headlines_for_html(client, article):
    """Feed readers show titles as HTML: a name or headline with markup reads as text there."""
    import xml.etree.ElementTree as ET

    article.headline = "Ports & <em>harbours</em>"
    article.save()
    CommentFactory(article=article, author_name="<script>alert(1)</script> & co")
    channel = ET.fromstring(
        client.get(article.get_absolute_url() + "comments/rss.xml").content
    ).find("channel")
    assert channel.findtext("title") == "Comments on “Ports &amp; &lt;em&gt;harbours&lt;/em&gt;”"
    assert channel.find("item").findtext("title") == (
        "By &lt;script&gt;alert(1)&lt;/script&gt; &amp; co"
    )

"""Revisions brought back whole (text, hero picture, bylines in order, section, tags) and
compared side by side."""

import io

import pytest
from django.urls import reverse
from django.utils import timezone
from PIL import Image
from reversion.models import Version

from articles.models import Article
from tests.articles.test_workflow import change_url, form_data
from tests.factories import (
    ArticleFactory,
    AuthorFactory,
    ImageFactory,
    SectionFactory,
    TagFactory,
    image_file,
)
from tests.markup import Markup

pytestmark = pytest.mark.django_db

RED, BLUE = (200, 30, 30), (30, 60, 200)


def hero(name, colour, alt, credit=""):
    """What the form gets for a hero picked from the library: the picture's id and this
    story's words for it."""
    image = ImageFactory(file=image_file(name, size=(1200, 675), color=colour))
    return {"hero": str(image.pk), "hero_alt": alt, "hero_credit": credit}


_capture = None


@pytest.fixture(autouse=True)
def _each_step_commits(django_capture_on_commit_callbacks):
    """Each step below runs its after-commit work (the library's publicity) as it ends, as
    it would outside the test's one transaction."""
    global _capture
    _capture = django_capture_on_commit_callbacks
    yield
    _capture = None


def committed_step():
    return _capture(execute=True)


def save(client, article, **changes):
    """Save the change form as an editor would, with `changes` typed in."""
    with committed_step():
        response = client.post(change_url(article), form_data(article, **changes))
    assert response.status_code == 302, (
        response.context and response.context["adminform"].form.errors
    )
    article.refresh_from_db()
    return Version.objects.get_for_object(article).first()


def restore(client, article, version):
    with committed_step():
        return client.post(
            reverse("admin:articles_article_restore", args=[article.pk, version.pk]), follow=True
        )


def hero_urls(html):
    """Every picture URL the reader's page gives for the hero: <img> src/srcset, <source>."""
    markup = Markup(html)
    urls = []
    for tag, attrs in markup.elements:
        if tag == "img" and "fetchpriority" in attrs:
            urls.append(attrs["src"])
            urls += [part.rsplit(" ", 1)[0] for part in attrs.get("srcset", "").split(", ") if part]
        elif tag == "source":
            urls += [part.rsplit(" ", 1)[0] for part in attrs["srcset"].split(", ")]
    return urls


def colour_of(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return Image.open(io.BytesIO(body)).convert("RGB").getpixel((5, 5))


def close_to(colour, expected):
    return all(abs(a - b) < 30 for a, b in zip(colour, expected, strict=True))


def test_restoring_a_revision_brings_back_its_hero_on_the_readers_page(client, editor, article):
    """The reader gets the restored revision's picture, in every rendition, and each answers."""
    client.force_login(editor)
    first = save(client, article, **hero("harbour.jpg", RED, "Red sky"))
    save(client, article, **hero("storm.jpg", BLUE, "Blue storm"))

    response = restore(client, article, first)

    assert response.status_code == 200
    article.refresh_from_db()
    assert article.hero_alt == "Red sky"
    client.logout()
    page = client.get(article.get_absolute_url())
    assert page.status_code == 200
    urls = hero_urls(page.content)
    assert len(urls) >= 3
    for url in set(urls):
        assert close_to(colour_of(client, url), RED), url
    assert 'alt="Red sky"' in page.content.decode()


def test_restoring_brings_back_a_hero_removed_since(client, editor, article):
    client.force_login(editor)
    first = save(client, article, **hero("harbour.jpg", RED, "Red sky"))
    save(client, article, hero="", hero_alt="")
    assert not article.hero_picture

    restore(client, article, first)

    article.refresh_from_db()
    client.logout()
    urls = hero_urls(client.get(article.get_absolute_url()).content)
    assert urls
    assert all(close_to(colour_of(client, url), RED) for url in set(urls))


def test_a_revision_whose_picture_was_deleted_from_the_library_is_refused(client, editor, article):
    client.force_login(editor)
    first = save(client, article, **hero("harbour.jpg", RED, "Red sky"))
    gone = article.hero
    save(client, article, headline="Storm", **hero("storm.jpg", BLUE, "Storm"))
    with committed_step():
        gone.delete()  # no article uses it any more

    response = restore(client, article, first)

    assert "has been deleted from the media library" in response.content.decode()
    article.refresh_from_db()
    assert article.headline == "Storm"
    assert Version.objects.get_for_object(article).count() == 2
    latest = Version.objects.get_for_object(article).first()
    compared = client.get(
        reverse("admin:articles_article_compare", args=[article.pk]),
        {"from": first.pk, "to": latest.pk},
    )
    assert "The picture is no longer in the library." in compared.content.decode()


def test_a_replaced_hero_stays_in_the_library_and_comes_back_public(client, editor, article):
    """Replaced, the old picture goes private; restored, it is public again."""
    client.force_login(editor)
    first = save(client, article, **hero("harbour.jpg", RED, "Red sky"))
    old = article.hero
    old.refresh_from_db()
    assert old.is_public
    save(client, article, **hero("storm.jpg", BLUE, "Storm"))
    old.refresh_from_db()
    assert not old.is_public

    restore(client, article, first)

    old.refresh_from_db()
    article.refresh_from_db()
    assert article.hero == old and old.is_public


def test_restoring_puts_the_bylines_back_in_their_order(client, editor, section):
    first_author, second_author = AuthorFactory(name="Ines Varga"), AuthorFactory(name="Tom Reyes")
    article = ArticleFactory(section=section, authors=[first_author, second_author])
    client.force_login(editor)
    first = save(client, article)
    save(client, article, **{"bylines-0-position": "5", "bylines-1-position": "1"})
    assert article.byline_authors == [second_author, first_author]

    restore(client, article, first)

    article.refresh_from_db()
    assert article.byline_authors == [first_author, second_author]


def test_bylines_of_equal_position_come_back_in_the_order_they_were_shown(client, editor, section):
    """Bylines added without positions show in the order they were added; so they come back."""
    authors = AuthorFactory.create_batch(3)
    article = ArticleFactory(section=section)
    for author in authors:
        article.bylines.create(author=author, position=0)
    client.force_login(editor)
    first = save(client, article)
    article.bylines.all().delete()
    for author in reversed(authors):
        article.bylines.create(author=author, position=0)
    save(client, article)
    assert article.byline_authors == authors[::-1]

    restore(client, article, first)

    article.refresh_from_db()
    assert article.byline_authors == authors


def test_restoring_brings_back_section_and_tags(client, editor, article):
    old_section, old_tags = article.section, set(article.tags.all())
    client.force_login(editor)
    first = save(client, article)
    new_section, new_tag = SectionFactory(), TagFactory()
    save(client, article, section=str(new_section.pk), tags=[str(new_tag.pk)])
    assert article.section == new_section

    restore(client, article, first)

    article.refresh_from_db()
    assert article.section == old_section
    assert set(article.tags.all()) == old_tags


def test_restoring_goes_the_way_of_a_save(
    client, editor, article, django_capture_on_commit_callbacks
):
    """A new version (open forms go stale), a revision saying where it came from, and the
    reader's cached page replaced."""
    client.force_login(editor)
    with django_capture_on_commit_callbacks(execute=True):
        first = save(client, article)
        save(client, article, headline="Harbour plan rejected")
    client.logout()
    assert "Harbour plan rejected" in client.get(article.get_absolute_url()).content.decode()
    stale = form_data(article, standfirst="Typed in a form opened before the restore.")
    client.force_login(editor)
    version_before = article.version

    with django_capture_on_commit_callbacks(execute=True):
        restore(client, article, first)

    article.refresh_from_db()
    assert article.version == version_before + 1
    latest = Version.objects.get_for_object(article).select_related("revision").first()
    assert latest.revision.comment.startswith("Restored from the revision of ")
    assert latest.revision.comment.endswith(f" by {editor.get_full_name() or editor.username}")
    assert latest.revision.user == editor
    conflict = client.post(change_url(article), stale)
    assert conflict.status_code == 200
    assert "Someone else saved this article" in conflict.content.decode()
    client.logout()
    page = client.get(article.get_absolute_url()).content.decode()
    assert first.field_dict["headline"] in page
    assert "Harbour plan rejected" not in page


def test_a_writer_restores_their_own_draft_but_not_once_published(client, writer):
    article = ArticleFactory(draft=True, created_by=writer, headline="Draft one")
    client.force_login(writer)
    first = save(client, article)
    save(client, article, headline="Draft two")
    restore(client, article, first)
    article.refresh_from_db()
    assert article.headline == "Draft one"

    Article.objects.filter(pk=article.pk).update(
        status=Article.Status.PUBLISHED, published_at=timezone.now()
    )
    response = client.post(reverse("admin:articles_article_restore", args=[article.pk, first.pk]))
    assert response.status_code == 403


def test_compare_shows_the_hero_and_the_bylines_side_by_side(client, editor, section):
    first_author, second_author = AuthorFactory(name="Ines Varga"), AuthorFactory(name="Tom Reyes")
    article = ArticleFactory(section=section, authors=[first_author, second_author])
    client.force_login(editor)
    first = save(client, article, **hero("harbour.jpg", RED, "Red sky over the port", "Ana Lima"))
    reordered = {"bylines-0-position": "5", "bylines-1-position": "1"}
    second = save(
        client, article, **hero("storm.jpg", BLUE, "Storm clouds", "Ben Ode"), **reordered
    )

    response = client.get(
        reverse("admin:articles_article_compare", args=[article.pk]),
        {"from": first.pk, "to": second.pk},
    )

    assert response.status_code == 200
    html = response.content.decode()
    rows = {str(row["label"]): row for row in response.context["changes"]}
    assert rows["Hero image"]["changed"] and rows["Bylines"]["changed"]
    assert rows["Bylines"]["before"] == ["Ines Varga", "Tom Reyes"]
    assert rows["Bylines"]["after"] == ["Tom Reyes", "Ines Varga"]
    assert not rows["Headline"]["changed"]
    thumbnails = [
        attrs
        for tag, attrs in Markup(html).elements
        if tag == "img" and "compare-thumbnail" in attrs.get("class", "")
    ]
    assert [attrs["alt"] for attrs in thumbnails] == ["Red sky over the port", "Storm clouds"]
    # Staff see both pictures, the replaced one too, through the library's staff addresses.
    assert close_to(colour_of(client, thumbnails[0]["src"]), RED)
    assert close_to(colour_of(client, thumbnails[1]["src"]), BLUE)
    assert "Ana Lima" in html and "Ben Ode" in html
    assert html.index("Ines Varga") < html.index("Tom Reyes") < html.rindex("Ines Varga")

"""Heroes from the media library: public only while their story is, picked or uploaded in the
article form with the minimum size enforced, and the reader's pages showing the right kind."""

import datetime
import re

import pytest
from django.conf import settings as django_settings
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from newsroom import images
from newsroom.media.models import Image
from tests.admin_forms import change_form_payload
from tests.articles.test_workflow import change_url, form_data, press
from tests.factories import ArticleFactory, ImageFactory, UserFactory, image_bytes, image_file
from tests.markup import Markup

pytestmark = pytest.mark.django_db

S = Article.Status


def public_addresses(image):
    """Where the image's renditions are, or would be, in the public storage."""
    image.refresh_from_db()
    return [default_storage.url(name) for name in sorted(images.rendition_names(image.renditions))]


def test_a_drafts_hero_is_private_until_published_and_again_once_unpublished(
    client, editor, django_capture_on_commit_callbacks
):
    draft = ArticleFactory(draft=True, with_image=True)
    addresses = public_addresses(draft.hero)
    staff_only = draft.hero.picture("hero", private=True).src
    assert addresses
    assert draft.hero.picture("hero") is None
    for url in addresses:
        assert client.get(url).status_code == 404
    # The staff-only address asks an anonymous reader to log in, and shows nothing.
    assert client.get(staff_only).status_code in (302, 403, 404)

    client.force_login(editor)
    with django_capture_on_commit_callbacks(execute=True):
        assert press(client, draft, "publish").status_code == 302
    client.logout()
    for url in addresses:
        assert client.get(url).status_code == 200, url
    draft.refresh_from_db()
    page = client.get(draft.get_absolute_url()).content.decode()
    assert addresses[0].rsplit("/", 1)[1].split("-")[0] in page

    client.force_login(editor)
    with django_capture_on_commit_callbacks(execute=True):
        assert press(client, draft, "unpublish").status_code == 302
    client.logout()
    for url in addresses:
        assert client.get(url).status_code == 404, url


def test_replacing_a_published_hero_takes_the_old_one_offline(
    client, editor, django_capture_on_commit_callbacks
):
    article = ArticleFactory(with_image=True)
    old = public_addresses(article.hero)
    assert all(client.get(url).status_code == 200 for url in old)
    new = ImageFactory(file=image_file("new.jpg", size=(1400, 800)))
    client.force_login(editor)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(change_url(article), form_data(article, hero=str(new.pk)))

    assert response.status_code == 302
    client.logout()
    assert all(client.get(url).status_code == 404 for url in old)
    assert all(client.get(url).status_code == 200 for url in public_addresses(new))


def test_deleting_an_article_takes_its_hero_offline(
    client, editor, django_capture_on_commit_callbacks
):
    article = ArticleFactory(with_image=True)
    image = article.hero
    with django_capture_on_commit_callbacks(execute=True):
        article.delete()
    image.refresh_from_db()
    assert not image.is_public
    assert all(client.get(url).status_code == 404 for url in public_addresses(image))


def test_an_article_that_expires_or_goes_live_by_itself_moves_its_picture(
    client, django_capture_on_commit_callbacks, time_machine, movable_cache, settings
):
    """No one saves anything at a scheduled time: the next page read catches the pictures up."""
    settings.PAGE_CACHE_SECONDS = 600
    now = timezone.now()
    scheduled = ArticleFactory(with_image=True, published_at=now + datetime.timedelta(hours=1))
    expiring = ArticleFactory(with_image=True, expires_at=now + datetime.timedelta(hours=1))
    scheduled.hero.refresh_from_db()
    expiring.hero.refresh_from_db()
    assert not scheduled.hero.is_public and expiring.hero.is_public
    client.get("/")

    time_machine.move_to(now + datetime.timedelta(hours=2))
    with django_capture_on_commit_callbacks(execute=True):
        client.get("/")

    scheduled.hero.refresh_from_db()
    expiring.hero.refresh_from_db()
    assert scheduled.hero.is_public and not expiring.hero.is_public


def test_a_hero_below_the_minimum_width_is_refused_beside_the_field(client, editor, settings):
    settings.MEDIA_MIN_HERO_WIDTH = 1200
    article = ArticleFactory()
    small = ImageFactory(file=image_file("small.jpg", size=(800, 450)))
    client.force_login(editor)

    response = client.post(
        change_url(article), form_data(article, hero=str(small.pk), headline="Kept as typed")
    )

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "800 px wide" in errors["hero"][0] and "1200 px" in errors["hero"][0]
    html = response.content.decode()
    row = html[re.search(r"field-hero\b(?!_)", html).start() :]
    assert "800 px wide" in row[: row.index("field-hero_upload")]
    assert 'value="Kept as typed"' in html
    article.refresh_from_db()
    assert article.hero is None


def test_an_upload_in_place_joins_the_library_as_the_hero(client, editor, settings):
    settings.MEDIA_MIN_HERO_WIDTH = 1200
    article = ArticleFactory()
    client.force_login(editor)
    upload = SimpleUploadedFile("quay.jpg", image_bytes(size=(1300, 700)))

    response = client.post(
        change_url(article),
        form_data(article, hero_upload=upload, hero_alt="Boats at the quay", hero_credit="Ana"),
    )

    assert response.status_code == 302
    article.refresh_from_db()
    image = article.hero
    assert (image.width, image.height) == (1300, 700)
    assert image.alt_text == "Boats at the quay" and image.credit == "Ana"
    assert image.uploaded_by == editor
    assert Image.objects.count() == 1


def test_a_small_upload_is_refused_with_its_size_and_nothing_is_stored(client, editor, settings):
    settings.MEDIA_MIN_HERO_WIDTH = 1200
    article = ArticleFactory()
    client.force_login(editor)
    upload = SimpleUploadedFile("small.jpg", image_bytes(size=(640, 360)))

    response = client.post(
        change_url(article), form_data(article, hero_upload=upload, hero_alt="Small")
    )

    assert response.status_code == 200
    [message] = response.context["adminform"].form.errors["hero_upload"]
    assert "640 px wide" in message and "1200 px" in message
    assert not Image.objects.exists()


def test_a_picked_picture_lends_its_words_to_empty_fields(client, editor):
    article = ArticleFactory()
    image = ImageFactory(alt_text="Gulls over the pier", caption="Winter.", credit="Ola")
    client.force_login(editor)

    response = client.post(
        change_url(article),
        form_data(article, hero=str(image.pk), hero_alt="", hero_caption="", hero_credit="Mine"),
    )

    assert response.status_code == 302
    article.refresh_from_db()
    assert (article.hero_alt, article.hero_caption, article.hero_credit) == (
        "Gulls over the pier",
        "Winter.",
        "Mine",
    )


def test_the_form_shows_the_chosen_picture(client, editor):
    article = ArticleFactory(with_image=True)
    client.force_login(editor)
    html = client.get(change_url(article)).content.decode()
    [thumbnail] = [
        attrs
        for tag, attrs in Markup(html).elements
        if tag == "img" and "image-picker-thumbnail" in attrs.get("class", "")
    ]
    assert client.get(thumbnail["src"]).status_code == 200


def test_reader_pages_use_the_kinds_made_for_them(client):
    article = ArticleFactory(with_image=True)
    ArticleFactory(is_featured=True)  # the lead: the article above is a top story
    image = article.hero
    image.refresh_from_db()
    hero = image.picture("hero")
    teaser = image.picture("teaser")
    social = image.picture("social")

    page = Markup(client.get(article.get_absolute_url()).content)
    front = client.get(reverse("articles:front-page")).content.decode()

    [shown] = [attrs for tag, attrs in page.elements if tag == "img" and "fetchpriority" in attrs]
    assert shown["src"] == hero.src
    assert page.first_meta("og:image") == django_settings.SITE_URL + social.largest_url
    assert page.first_meta("twitter:image") == django_settings.SITE_URL + social.largest_url
    assert teaser.src in front
    # The top stories' small thumbnails on narrow screens are square.
    square = image.picture("square")
    assert f'<source media="(max-width: 40rem)" srcset="{square.srcset}" sizes="6rem">' in front


def test_an_authors_photo_is_picked_from_the_library_and_shown(
    client, author, django_capture_on_commit_callbacks
):
    """The author form shows the chosen photo; once saved, the author page shows it square."""
    image = ImageFactory(file=image_file("ines.jpg", size=(640, 640)), alt_text="Ines Varga")
    client.force_login(UserFactory(username="chief", is_staff=True, is_superuser=True))
    url = reverse("admin:authors_author_change", args=[author.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, change_form_payload(client, url, photo=str(image.pk)))
    assert response.status_code == 302
    assert "image-picker-thumbnail" in client.get(url).content.decode()
    client.logout()

    image.refresh_from_db()
    assert image.is_public
    page = client.get(author.get_absolute_url()).content.decode()
    assert image.picture("square").src in page


def test_the_staff_preview_shows_a_drafts_private_picture(client, editor):
    draft = ArticleFactory(draft=True, with_image=True)
    client.force_login(editor)
    page = client.get(reverse("admin:articles_article_preview", args=[draft.pk]))
    [shown] = [
        attrs
        for tag, attrs in Markup(page.content).elements
        if tag == "img" and "fetchpriority" in attrs
    ]
    assert shown["src"] == draft.hero.picture("hero", private=True).src
    assert client.get(shown["src"]).status_code == 200
    client.logout()
    assert client.get(shown["src"]).status_code in (302, 403, 404)

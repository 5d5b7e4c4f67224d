"""Library pictures inside an article's text: recorded on each save, listed where the library
says where a picture is used, protected from deletion, public exactly while a public article
shows them, and shown to readers as uncropped <picture>s at no cost per picture."""

import pytest
from django.core.files.storage import default_storage
from django.db import connection
from django.db.models import ProtectedError
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles import body_pictures
from articles.models import Article, BodyImage
from newsroom import images
from newsroom.media import usage
from newsroom.media.models import Image
from tests.articles.test_revisions import _each_step_commits, committed_step, restore, save  # noqa: F401
from tests.articles.test_workflow import form_data, press
from tests.factories import ArticleFactory, ImageFactory, image_file
from tests.markup import Markup

pytestmark = pytest.mark.django_db


def in_text(*images_and_alts):
    """A body with these library pictures, each referenced by id with its alt text."""
    pictures = "".join(
        f'<figure class="inline-figure"><img data-image="{image.pk}" alt="{alt}">'
        f"<figcaption>{alt}.</figcaption></figure>"
        for image, alt in images_and_alts
    )
    return f"<p>Before the pictures.</p>{pictures}<p>After them.</p>"


def public_addresses(image):
    image.refresh_from_db()
    return [default_storage.url(n) for n in sorted(images.rendition_names(image.renditions))]


def body_images(article):
    return set(BodyImage.objects.filter(article=article).values_list("image_id", flat=True))


def test_each_save_records_the_pictures_the_body_shows():
    first, second = ImageFactory(), ImageFactory()
    article = ArticleFactory(body=in_text((first, "Cranes"), (second, "Boats")))
    assert body_images(article) == {first.pk, second.pk}
    article.body = in_text((second, "Boats"))
    article.save()
    assert body_images(article) == {second.pk}
    # A reference to a picture the library does not have is kept in the text, not recorded.
    article.body = in_text((second, "Boats")) + '<p><img data-image="999999" alt="Gone"></p>'
    article.save()
    assert body_images(article) == {second.pk}
    assert 'data-image="999999"' in Article.objects.get(pk=article.pk).body


def test_a_save_that_keeps_the_same_pictures_asks_nothing_about_them(
    django_assert_num_queries,
):
    """Loaded from the database, the article knows its pictures: a save that changes only
    the words costs no query for them."""
    plain = Article.objects.get(pk=ArticleFactory().pk)
    with CaptureQueriesContext(connection) as without_pictures:
        plain.save()
    image = ImageFactory()
    illustrated = Article.objects.get(pk=ArticleFactory(body=in_text((image, "Cranes"))).pk)
    illustrated.headline = "Cranes over the quay"
    with CaptureQueriesContext(connection) as with_pictures:
        illustrated.save()
    assert len(with_pictures) == len(without_pictures)


@pytest.mark.parametrize(
    "address",
    [
        "{media}{name}",
        "https://testserver.example{media}{name}",
        "{staff}",
    ],
    ids=["public address", "full public address", "staff view"],
)
def test_a_pasted_address_of_a_library_picture_is_tracked_like_a_reference(settings, address):
    settings.SITE_URL = "https://testserver.example"
    image = ImageFactory()
    name = image.renditions["hero"]["JPEG"][0]["name"]
    src = address.format(
        media=settings.MEDIA_URL,
        name=name,
        staff=reverse("admin:media_image_file", kwargs={"name": name}),
    )
    article = ArticleFactory(body=f'<p>Look: <img src="{src}" alt="Cranes at dawn"></p>')
    article.refresh_from_db()
    assert article.body == f'<p>Look: <img data-image="{image.pk}" alt="Cranes at dawn"></p>'
    assert body_images(article) == {image.pk}


def test_the_editor_gets_each_picture_with_an_address_and_saving_keeps_the_reference(
    client, editor
):
    """The body editor drops an <img> without an address: the form gives each library picture
    its staff-view address, and saving what the editor sends back keeps the picture."""
    image = ImageFactory()
    article = ArticleFactory(body=in_text((image, "Cranes")))
    client.force_login(editor)
    form = client.get(reverse("admin:articles_article_change", args=[article.pk]))
    staff = reverse("admin:media_image_file", kwargs={"name": "library/renditions/"})
    body = form.context["adminform"].form.initial["body"]
    assert f'<img src="{staff}{image.pk}-body-960-' in body and 'alt="Cranes"' in body
    with committed_step():
        response = client.post(
            reverse("admin:articles_article_change", args=[article.pk]),
            form_data(article, body=body.replace("Before the pictures.", "Before the picture.")),
        )
    assert response.status_code == 302
    article.refresh_from_db()
    assert f'<img data-image="{image.pk}" alt="Cranes">' in article.body
    assert "Before the picture." in article.body
    assert body_images(article) == {image.pk}


def test_a_picture_without_renditions_yet_is_edited_through_its_original():
    image = ImageFactory(made=False)
    article = ArticleFactory(body=in_text((image, "Cranes")))
    edited = body_pictures.for_editing(article.body)
    assert reverse("admin:media_image_file", kwargs={"name": image.file.name}) in edited
    article.body = edited
    article.save()
    assert f'<img data-image="{image.pk}" alt="Cranes">' in article.body


@pytest.mark.parametrize(
    "body",
    [
        '<img src="https://elsewhere.example/media/library/renditions/1-hero-480-ab.jpg" alt="">',
        '<img src="/media/library/originals/2026/03/a.jpg" alt="">',
        '<img data-image="0" alt="">',
        '<img data-image="12abc" alt="">',
        '<img data-image="1 onerror=alert(1)" alt="">',
        '<p data-image="1">Not a picture</p>',
    ],
)
def test_what_is_not_a_library_picture_is_not_tracked(body):
    ImageFactory()
    article = ArticleFactory(body=body)
    assert body_images(article) == set()
    assert 'data-image="1"' not in Article.objects.get(pk=article.pk).body


def test_a_drafts_body_pictures_answer_404_until_it_is_published_and_again_after(
    client, editor, django_capture_on_commit_callbacks
):
    image = ImageFactory()
    with django_capture_on_commit_callbacks(execute=True):
        draft = ArticleFactory(draft=True, body=in_text((image, "Cranes")))
    addresses = public_addresses(image)
    assert addresses and not image.is_public
    assert all(client.get(url).status_code == 404 for url in addresses)

    client.force_login(editor)
    with django_capture_on_commit_callbacks(execute=True):
        assert press(client, draft, "publish").status_code == 302
    client.logout()
    assert all(client.get(url).status_code == 200 for url in public_addresses(image))

    client.force_login(editor)
    with django_capture_on_commit_callbacks(execute=True):
        assert press(client, draft, "unpublish").status_code == 302
    client.logout()
    image.refresh_from_db()
    assert not image.is_public
    assert all(client.get(url).status_code == 404 for url in addresses)


def test_a_picture_stays_public_while_another_public_article_shows_it(
    django_capture_on_commit_callbacks,
):
    """Taken out of one story's text, a picture another public story shows stays public;
    taken out of the last, it goes private."""
    image = ImageFactory()
    with django_capture_on_commit_callbacks(execute=True):
        one = ArticleFactory(body=in_text((image, "Cranes")))
        other = ArticleFactory(body=in_text((image, "Cranes")))
    image.refresh_from_db()
    assert image.is_public
    with django_capture_on_commit_callbacks(execute=True):
        one.body = "<p>No picture now.</p>"
        one.save()
    image.refresh_from_db()
    assert image.is_public
    with django_capture_on_commit_callbacks(execute=True):
        other.delete()
    image.refresh_from_db()
    assert not image.is_public


def test_a_picture_in_a_body_cannot_be_deleted_and_the_library_says_where_it_is_used(
    editor_client_for_library,
):
    client, image, article = editor_client_for_library
    with pytest.raises(ProtectedError):
        image.delete()
    found = usage.references([image.pk])[image.pk]
    assert [(ref.label, ref.title) for ref in found] == [("In the text of", article.headline)]
    page = client.get(reverse("admin:media_image_change", args=[image.pk])).content.decode()
    assert "In the text of" in page and article.headline in page
    response = client.post(
        reverse("admin:media_image_delete", args=[image.pk]), {"post": "yes"}, follow=True
    )
    assert Image.objects.filter(pk=image.pk).exists()
    assert response.status_code in (200, 403)


@pytest.fixture
def editor_client_for_library(client, editor):
    image = ImageFactory(uploaded_by=editor)
    article = ArticleFactory(headline="Cranes over the quay", body=in_text((image, "Cranes")))
    client.force_login(editor)
    return client, image, article


def test_restoring_a_revision_brings_its_body_pictures_back(client, editor, article):
    red = ImageFactory(file=image_file("red.jpg", size=(800, 600), color=(200, 30, 30)))
    blue = ImageFactory(file=image_file("blue.jpg", size=(800, 600), color=(30, 60, 200)))
    client.force_login(editor)
    first = save(client, article, body=in_text((red, "Red sky")))
    save(client, article, body=in_text((blue, "Blue storm")))
    red.refresh_from_db()
    assert body_images(article) == {blue.pk} and not red.is_public

    restore(client, article, first)
    article.refresh_from_db()
    assert body_images(article) == {red.pk}
    red.refresh_from_db()
    blue.refresh_from_db()
    assert red.is_public and not blue.is_public
    client.logout()
    page = client.get(article.get_absolute_url()).content.decode()
    assert f"/{red.pk}-body-" in page and f"/{blue.pk}-body-" not in page


def test_readers_get_uncropped_pictures_with_alt_text_and_valid_markup(client):
    with committed_step():
        image = ImageFactory(file=image_file("tall.jpg", size=(900, 1200)))
        article = ArticleFactory(body=in_text((image, "A tall crane")))
    page = client.get(article.get_absolute_url()).content.decode()
    body = page.split('class="article-body"', 1)[1].split("</div>", 1)[0]
    assert "data-image" not in body
    markup = Markup(body)
    pictures = [attrs for tag, attrs in markup.elements if tag == "img"]
    assert len(pictures) == 1
    picture = pictures[0]
    assert picture["alt"] == "A tall crane"
    # The whole picture: its own shape, at most 1440 px wide.
    assert (int(picture["width"]), int(picture["height"])) == (900, 1200)
    assert f"/{image.pk}-body-" in picture["src"] and picture["loading"] == "lazy"
    assert '<source type="image/webp"' in body
    assert "<figcaption>A tall crane.</figcaption>" in body


@pytest.mark.parametrize("count", [1, 4])
def test_the_body_costs_one_query_whatever_the_number_of_pictures(count):
    """The body's pictures come in one query together (a body without any asks nothing)."""
    with committed_step():
        pictures = [
            ImageFactory(file=image_file(f"p{i}.jpg", size=(600, 400))) for i in range(count)
        ]
        article = ArticleFactory(
            body=in_text(*((image, f"Picture {i}") for i, image in enumerate(pictures)))
        )
    article = Article.objects.get(pk=article.pk)
    with CaptureQueriesContext(connection) as queries:
        html = str(article.rendered_body)
    assert len(queries) == 1
    assert html.count("<picture") == count
    plain = Article.objects.get(pk=ArticleFactory().pk)
    with CaptureQueriesContext(connection) as none:
        str(plain.rendered_body)
    assert len(none) == 0


def test_a_picture_readers_may_not_see_is_left_out_and_staff_previews_show_it():
    image = ImageFactory()
    article = Article.objects.get(pk=ArticleFactory(draft=True, body=in_text((image, "C"))).pk)
    assert "<img" not in str(article.rendered_body)
    article.shows_private_pictures = True
    shown = str(article.rendered_body)
    assert reverse("admin:media_image_file", kwargs={"name": "x"})[:-1] in shown
    # An <img> whose address the sanitizer refused (another site's) is left out too.
    assert body_pictures.render('<p><img alt="Elsewhere"></p>') == "<p></p>"

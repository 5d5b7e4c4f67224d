"""Uploaded pictures: what is refused, what is stored, and the renditions readers get."""

import io
import struct
import zipfile
import zlib

import pytest
from django.conf import settings as django_settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from PIL import ExifTags, Image

from articles.models import Article
from authors.models import Author
from newsroom import images
from tests.admin_forms import change_form_payload
from tests.factories import (
    ArticleFactory,
    AuthorFactory,
    TagFactory,
    UserFactory,
    image_bytes,
    noisy_image_bytes,
)
from tests.markup import Markup

pytestmark = pytest.mark.django_db


def png_declaring(width, height):
    """A tiny PNG whose header claims `width` x `height` pixels: a decompression bomb."""

    def chunk(kind, data):
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 1024))
        + chunk(b"IEND", b"")
    )


def animated_gif():
    frames = [Image.new("P", (120, 80), index) for index in (1, 2, 3)]
    buffer = io.BytesIO()
    frames[0].save(buffer, "GIF", save_all=True, append_images=frames[1:], duration=100, loop=0)
    return buffer.getvalue()


PAYLOAD = b"<html><script>alert('polyglot')</script></html>"


def polyglot():
    """A JPEG with a ZIP archive and an HTML page appended: it opens as all three."""
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("readme.html", PAYLOAD)
    return image_bytes() + archive.getvalue() + PAYLOAD


HTML = b"<!doctype html><html><body>Hello</body></html>"
SVG = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"></svg>'

UPLOADS = [
    # (id, file name, content, expected error code or None when accepted)
    ("jpeg", "photo.jpg", image_bytes(fmt="JPEG"), None),
    ("png", "photo.png", image_bytes(fmt="PNG"), None),
    ("webp", "photo.webp", image_bytes(fmt="WEBP"), None),
    ("gif", "photo.gif", image_bytes(fmt="GIF"), None),
    ("animated-gif", "moving.gif", animated_gif(), None),
    ("png-named-jpg", "photo.jpg", image_bytes(fmt="PNG"), None),
    ("jpeg-zip-html-polyglot", "photo.jpg", polyglot(), None),
    ("svg", "drawing.svg", SVG, "svg"),
    ("svg-named-jpg", "drawing.jpg", SVG, "svg"),
    ("html-named-jpg", "page.jpg", HTML, "not_an_image"),
    ("text-file", "notes.jpg", b"Minutes of the council meeting\n" * 20, "not_an_image"),
    ("zero-bytes", "empty.jpg", b"", "empty"),
    ("truncated-jpeg", "cut.jpg", noisy_image_bytes()[:6000], "damaged"),
    ("bmp", "photo.bmp", image_bytes(fmt="BMP"), "not_an_image"),
    ("bomb-20000x20000", "bomb.png", png_declaring(20_000, 20_000), "too_many_pixels"),
    ("bomb-8000x8000", "bomb.png", png_declaring(8_000, 8_000), "too_many_pixels"),
    ("oversize", "huge.jpg", image_bytes() + b"\0" * images.MAX_UPLOAD_BYTES, "too_large"),
    ("image-named-php", "photo.php", image_bytes(), "invalid_extension"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("name", "content", "code"),
    [upload[1:] for upload in UPLOADS],
    ids=[upload[0] for upload in UPLOADS],
)
def test_upload_rules(name, content, code):
    """Only whole JPEG, PNG, WebP and GIF pictures within the limits pass the form field."""
    field = Article._meta.get_field("hero_image").formfield()
    upload = SimpleUploadedFile(name, content)
    if code is None:
        assert field.clean(upload) is upload
    else:
        with pytest.raises(ValidationError) as caught:
            field.clean(upload)
        assert caught.value.error_list[0].code == code
        assert caught.value.messages[0]


def test_model_validation_refuses_a_bad_upload_on_its_field(section):
    article = ArticleFactory.build(
        section=section,
        hero_image=ContentFile(b"<html></html>", name="page.jpg"),
        hero_alt="Something",
    )
    with pytest.raises(ValidationError) as caught:
        article.full_clean()
    assert "hero_image" in caught.value.message_dict


def stored_bytes(field_file):
    with default_storage.open(field_file.name, "rb") as file:
        return file.read()


def test_polyglot_is_stored_without_its_payload(section):
    article = ArticleFactory(
        section=section,
        hero_image=ContentFile(polyglot(), name="photo.jpg"),
        hero_alt="A harbour",
    )
    data = stored_bytes(article.hero_image)
    assert PAYLOAD not in data
    assert b"PK\x03\x04" not in data  # no ZIP entry left
    assert Image.open(io.BytesIO(data)).format == "JPEG"


def test_a_png_named_jpg_is_stored_under_its_real_extension(section):
    article = ArticleFactory(
        section=section,
        hero_image=ContentFile(image_bytes(fmt="PNG"), name="photo.jpg"),
        hero_alt="A harbour",
    )
    assert article.hero_image.name.endswith(".png")
    assert Image.open(io.BytesIO(stored_bytes(article.hero_image))).format == "PNG"


def test_an_animated_gif_keeps_its_first_frame(section):
    article = ArticleFactory(
        section=section,
        hero_image=ContentFile(animated_gif(), name="moving.gif"),
        hero_alt="A flag",
    )
    stored = Image.open(io.BytesIO(stored_bytes(article.hero_image)))
    assert stored.format == "GIF"
    assert getattr(stored, "n_frames", 1) == 1
    assert set(article.hero_renditions) == {"WEBP", "PNG"}


def jpeg_with_gps_and_rotation():
    """200x100 pixels, EXIF saying "rotate 90° clockwise to show", with a camera and GPS."""
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "Examplecam"
    exif[ExifTags.Base.Orientation] = 6
    exif[ExifTags.IFD.GPSInfo] = {
        ExifTags.GPS.GPSLatitudeRef: "N",
        ExifTags.GPS.GPSLatitude: (51.0, 30.0, 12.0),
        ExifTags.GPS.GPSLongitudeRef: "W",
        ExifTags.GPS.GPSLongitude: (0.0, 7.0, 39.0),
    }
    buffer = io.BytesIO()
    Image.new("RGB", (200, 100), (200, 40, 40)).save(buffer, "JPEG", exif=exif)
    data = buffer.getvalue()
    assert Image.open(io.BytesIO(data)).getexif().get_ifd(ExifTags.IFD.GPSInfo)
    return data


def test_exif_and_gps_are_removed_and_orientation_kept(section):
    article = ArticleFactory(
        section=section,
        hero_image=ContentFile(jpeg_with_gps_and_rotation(), name="phone.jpg"),
        hero_alt="A red wall",
    )
    data = stored_bytes(article.hero_image)
    stored = Image.open(io.BytesIO(data))
    assert not stored.getexif()
    assert "exif" not in stored.info
    assert b"Examplecam" not in data
    # Turned upright once, and recorded with its upright size.
    assert stored.size == (100, 200)
    assert (article.hero_width, article.hero_height) == (100, 200)
    for entries in article.hero_renditions.values():
        for entry in entries:
            rendition = Image.open(default_storage.open(entry["name"]))
            assert not rendition.getexif()


def rendition_sizes(renditions):
    return {
        fmt: [(e["width"], e["height"]) for e in entries] for fmt, entries in renditions.items()
    }


@pytest.mark.parametrize(
    ("fmt", "size", "expected"),
    [
        (
            "JPEG",
            (2400, 1350),
            {
                "WEBP": [(480, 270), (960, 540), (1600, 900)],
                "JPEG": [(480, 270), (960, 540), (1600, 900)],
            },
        ),
        # Never upscaled: the picture's own width replaces the larger ones.
        ("JPEG", (1200, 600), {"WEBP": [(480, 240), (960, 480), (1200, 600)],
                               "JPEG": [(480, 240), (960, 480), (1200, 600)]}),
        ("PNG", (300, 200), {"WEBP": [(300, 200)], "PNG": [(300, 200)]}),
        ("WEBP", (1000, 500), {"WEBP": [(480, 240), (960, 480), (1000, 500)]}),
        ("GIF", (500, 250), {"WEBP": [(480, 240), (500, 250)], "PNG": [(480, 240), (500, 250)]}),
    ],
)  # fmt: skip
def test_hero_renditions_have_the_right_widths_and_formats(section, fmt, size, expected):
    extension = images.EXTENSIONS[fmt]
    article = ArticleFactory(
        section=section,
        hero_image=ContentFile(image_bytes(size=size, fmt=fmt), name=f"hero.{extension}"),
        hero_alt="A harbour",
    )
    article.refresh_from_db()
    assert rendition_sizes(article.hero_renditions) == expected
    for fmt_name, entries in article.hero_renditions.items():
        for entry in entries:
            with default_storage.open(entry["name"]) as file:
                rendition = Image.open(file)
                assert rendition.format == fmt_name
                assert rendition.size == (entry["width"], entry["height"])
                assert rendition.width <= size[0]


def test_renditions_are_made_once_not_on_every_save(section):
    article = ArticleFactory(section=section, with_image=True)
    before = article.hero_renditions
    article.headline = "A new headline"
    article.save()
    article.refresh_from_db()
    assert article.hero_renditions == before


def test_removing_the_hero_removes_its_renditions(section, django_capture_on_commit_callbacks):
    article = ArticleFactory(section=section, with_image=True)
    names = [e["name"] for entries in article.hero_renditions.values() for e in entries]
    article.hero_image = ""
    article.hero_alt = ""
    with django_capture_on_commit_callbacks(execute=True):
        article.save()
    assert article.hero_renditions == {}
    assert not any(default_storage.exists(name) for name in names)


def test_author_photos_get_small_renditions():
    author = AuthorFactory(
        photo=ContentFile(jpeg_with_gps_and_rotation(), name="portrait.jpg"),
    )
    assert rendition_sizes(author.photo_renditions) == {
        "WEBP": [(100, 200)],
        "JPEG": [(100, 200)],
    }
    square = AuthorFactory(photo=ContentFile(image_bytes(size=(800, 800)), name="square.jpg"))
    assert rendition_sizes(square.photo_renditions)["JPEG"] == [(160, 160), (320, 320)]
    assert not Image.open(default_storage.open(author.photo.name)).getexif()


def test_author_photo_form_field_refuses_an_svg():
    field = Author._meta.get_field("photo").formfield()
    with pytest.raises(ValidationError) as caught:
        field.clean(SimpleUploadedFile("me.svg", SVG))
    assert caught.value.code == "svg"


@pytest.fixture
def big_hero_story(section, author):
    return ArticleFactory(
        section=section,
        authors=[author],
        slug="big-hero",
        hero_image=ContentFile(image_bytes(size=(2400, 1350)), name="big.jpg"),
        hero_alt="Cranes over the harbour at dawn",
        headline="Harbour cranes arrive",
        tags=[TagFactory(name="Harbours", slug="harbours")],
    )


def srcset_widths(srcset):
    return [int(part.rsplit(" ", 1)[1].rstrip("w")) for part in srcset.split(", ")]


def test_article_page_uses_the_renditions(client, big_hero_story):
    response = client.get(big_hero_story.get_absolute_url())
    markup = Markup(response.content)
    [hero] = [attrs for tag, attrs in markup.elements if tag == "img" and "fetchpriority" in attrs]
    assert srcset_widths(hero["srcset"]) == [480, 960, 1600]
    assert ".jpg 480w" in hero["srcset"]
    assert hero["sizes"] == "(max-width: 46rem) 100vw, 46rem"
    assert (hero["width"], hero["height"]) == ("1600", "900")
    assert hero["src"].endswith("big-960.jpg")
    [source] = [attrs for tag, attrs in markup.elements if tag == "source"][:1]
    assert source["type"] == "image/webp"
    assert srcset_widths(source["srcset"]) == [480, 960, 1600]
    assert '<figure class="hero">\n    <picture><source' in response.text
    # Sharing previews and search engines get the 1600-pixel rendition.
    og_image = markup.first_meta("og:image")
    assert og_image.startswith(django_settings.SITE_URL + "/media/")
    assert og_image.endswith("big-1600.jpg")
    assert markup.first_meta("og:image:width") == "1600"
    assert markup.first_meta("og:image:height") == "900"
    assert markup.first_meta("twitter:image") == og_image
    assert markup.json_ld[0]["image"] == [og_image]


@pytest.mark.parametrize(
    "url",
    ["/", "/section/world/", "/tag/harbours/", "/author/amara-osei/", "/search/?q=cranes"],
)
def test_teasers_use_the_renditions(client, big_hero_story, url):
    markup = Markup(client.get(url).content)
    pictures = [
        attrs
        for tag_name, attrs in markup.elements
        if tag_name == "img" and "big-" in attrs.get("src", "")
    ]
    assert pictures, url
    for attrs in pictures:
        assert srcset_widths(attrs["srcset"]) == [480, 960, 1600]
        assert attrs["sizes"]
        assert (attrs["width"], attrs["height"]) == ("1600", "900")
        assert attrs["alt"] == ""
    assert any(
        tag_name == "source" and attrs["type"] == "image/webp"
        for tag_name, attrs in markup.elements
    )


def test_author_page_uses_the_photo_renditions(client):
    AuthorFactory(slug="sofia", photo=ContentFile(image_bytes(size=(800, 800)), name="sofia.jpg"))
    markup = Markup(client.get("/author/sofia/").content)
    [photo] = [attrs for tag, attrs in markup.elements if attrs.get("class") == "author-photo"]
    assert srcset_widths(photo["srcset"]) == [160, 320]
    assert photo["sizes"] == "8rem"
    assert (photo["width"], photo["height"]) == ("320", "320")


def test_make_renditions_builds_missing_renditions_and_can_run_again(
    section, django_capture_on_commit_callbacks
):
    article = ArticleFactory(section=section, with_image=True)
    author = AuthorFactory(photo=ContentFile(image_bytes(size=(400, 400)), name="me.jpg"))
    made = article.hero_renditions
    Article.objects.filter(pk=article.pk).update(hero_renditions={})
    Author.objects.filter(pk=author.pk).update(photo_renditions={})

    out = io.StringIO()
    call_command("make_renditions", "--missing", stdout=out)
    article.refresh_from_db()
    author.refresh_from_db()
    assert rendition_sizes(article.hero_renditions) == rendition_sizes(made)
    assert rendition_sizes(author.photo_renditions)["JPEG"] == [(160, 160), (320, 320)]
    assert "2 picture(s)" in out.getvalue()

    # --missing leaves the made ones alone; a full run remakes them and removes the old files.
    call_command("make_renditions", "--missing", stdout=out)
    assert Article.objects.get(pk=article.pk).hero_renditions == article.hero_renditions
    old = [e["name"] for entries in article.hero_renditions.values() for e in entries]
    with django_capture_on_commit_callbacks(execute=True):
        call_command("make_renditions", stdout=out)
    article.refresh_from_db()
    new = [e["name"] for entries in article.hero_renditions.values() for e in entries]
    assert all(default_storage.exists(name) for name in new)
    assert not any(default_storage.exists(name) for name in set(old) - set(new))


@pytest.fixture
def superuser_client(client):
    user = UserFactory(username="chief", is_staff=True, is_superuser=True)
    client.force_login(user)
    return client


def admin_article_data(client, section, **overrides):
    """The admin's add-article form with a story typed in, as it would be posted."""
    return change_form_payload(
        client,
        reverse("admin:articles_article_add"),
        **{
            "headline": "Storm closes the harbour",
            "slug": "storm-closes-the-harbour",
            "section": section.pk,
            "standfirst": "Ferries stay in port until the wind drops.",
            "body": "<p>The harbour master closed the port at noon.</p>",
            "hero_alt": "Waves over the harbour wall",
            "status": "draft",
            **overrides,
        },
    )


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("page.jpg", b"<!doctype html><p>Hi</p>", "not a JPEG, PNG, WebP or GIF picture"),
        ("bomb.png", png_declaring(20_000, 20_000), "at most 50 megapixels"),
        ("cut.jpg", noisy_image_bytes()[:6000], "damaged or incomplete"),
        ("drawing.svg", SVG, "SVG drawings cannot be uploaded"),
    ],
)
def test_admin_shows_the_upload_error_beside_the_field_and_keeps_the_typing(
    superuser_client, section, name, content, message
):
    data = admin_article_data(
        superuser_client, section, hero_image=SimpleUploadedFile(name, content)
    )
    response = superuser_client.post(reverse("admin:articles_article_add"), data)
    assert response.status_code == 200
    assert not Article.objects.exists()
    form = response.context["adminform"].form
    assert list(form.errors) == ["hero_image"]
    assert message in form.errors["hero_image"][0]
    # The message sits in the hero image's row, and what the editor typed is still there.
    html = response.text
    row = html[html.index("field-hero_image") :]
    row = row[: row.index("field-hero_alt")]
    assert message in row
    assert 'value="Storm closes the harbour"' in html
    assert "Ferries stay in port until the wind drops." in html
    assert "The harbour master closed the port at noon." in html


def test_admin_refuses_an_oversize_upload_beside_the_field(superuser_client, section, monkeypatch):
    monkeypatch.setattr(images, "MAX_UPLOAD_BYTES", 1000)
    data = admin_article_data(
        superuser_client, section, hero_image=SimpleUploadedFile("big.jpg", noisy_image_bytes())
    )
    response = superuser_client.post(reverse("admin:articles_article_add"), data)
    assert response.status_code == 200
    assert (
        "pictures may be at most 1000\xa0bytes"
        in response.context["adminform"].form.errors["hero_image"][0]
    )
    assert 'value="Storm closes the harbour"' in response.text


def test_admin_stores_a_good_upload_with_its_renditions(superuser_client, section):
    data = admin_article_data(
        superuser_client,
        section,
        hero_image=SimpleUploadedFile("phone.jpg", jpeg_with_gps_and_rotation()),
    )
    response = superuser_client.post(reverse("admin:articles_article_add"), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    article = Article.objects.get()
    assert not Image.open(default_storage.open(article.hero_image.name)).getexif()
    assert set(article.hero_renditions) == {"WEBP", "JPEG"}

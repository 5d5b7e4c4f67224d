"""Uploaded pictures: what is refused, and what is stored in the media library (the
renditions and their publicity are the library's, tested in tests/media)."""

import io
import struct
import zipfile
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import ExifTags, Image

from articles.models import Article
from newsroom import images
from newsroom.media.models import Image as LibraryImage
from tests.admin_forms import change_form_payload
from tests.factories import ImageFactory, UserFactory, image_bytes, noisy_image_bytes

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
    field = LibraryImage._meta.get_field("file").formfield()
    upload = SimpleUploadedFile(name, content)
    if code is None:
        assert field.clean(upload) is upload
    else:
        with pytest.raises(ValidationError) as caught:
            field.clean(upload)
        assert caught.value.error_list[0].code == code
        assert caught.value.messages[0]


def test_model_validation_refuses_a_bad_upload_on_its_field():
    image = LibraryImage(file=ContentFile(b"<html></html>", name="page.jpg"), alt_text="Something")
    with pytest.raises(ValidationError) as caught:
        image.full_clean()
    assert "file" in caught.value.message_dict


def stored_bytes(field_file):
    with field_file.storage.open(field_file.name, "rb") as file:
        return file.read()


def library_picture(content, name):
    return ImageFactory(file=ContentFile(content, name=name), made=False)


def test_polyglot_is_stored_without_its_payload():
    image = library_picture(polyglot(), "photo.jpg")
    data = stored_bytes(image.file)
    assert PAYLOAD not in data
    assert b"PK\x03\x04" not in data  # no ZIP entry left
    assert Image.open(io.BytesIO(data)).format == "JPEG"


def test_a_png_named_jpg_is_stored_under_its_real_extension():
    image = library_picture(image_bytes(fmt="PNG"), "photo.jpg")
    assert image.file.name.endswith(".png")
    assert Image.open(io.BytesIO(stored_bytes(image.file))).format == "PNG"


def test_an_animated_gif_keeps_its_first_frame():
    image = library_picture(animated_gif(), "moving.gif")
    stored = Image.open(io.BytesIO(stored_bytes(image.file)))
    assert stored.format == "GIF"
    assert getattr(stored, "n_frames", 1) == 1


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


def test_exif_and_gps_are_removed_and_orientation_kept():
    image = library_picture(jpeg_with_gps_and_rotation(), "phone.jpg")
    data = stored_bytes(image.file)
    stored = Image.open(io.BytesIO(data))
    assert not stored.getexif()
    assert "exif" not in stored.info
    assert b"Examplecam" not in data
    # Turned upright once, and recorded with its upright size.
    assert stored.size == (100, 200)
    assert (image.width, image.height) == (100, 200)


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
        superuser_client, section, hero_upload=SimpleUploadedFile(name, content)
    )
    response = superuser_client.post(reverse("admin:articles_article_add"), data)
    assert response.status_code == 200
    assert not Article.objects.exists()
    form = response.context["adminform"].form
    assert list(form.errors) == ["hero_upload"]
    assert message in form.errors["hero_upload"][0]
    # The message sits in the hero image's row, and what the editor typed is still there.
    html = response.text
    row = html[html.index("field-hero_upload") :]
    row = row[: row.index("field-hero_alt")]
    assert message in row
    assert 'value="Storm closes the harbour"' in html
    assert "Ferries stay in port until the wind drops." in html
    assert "The harbour master closed the port at noon." in html


def test_admin_refuses_an_oversize_upload_beside_the_field(superuser_client, section, monkeypatch):
    monkeypatch.setattr(images, "MAX_UPLOAD_BYTES", 1000)
    data = admin_article_data(
        superuser_client, section, hero_upload=SimpleUploadedFile("big.jpg", noisy_image_bytes())
    )
    response = superuser_client.post(reverse("admin:articles_article_add"), data)
    assert response.status_code == 200
    assert (
        "pictures may be at most 1000\xa0bytes"
        in response.context["adminform"].form.errors["hero_upload"][0]
    )
    assert 'value="Storm closes the harbour"' in response.text


def test_admin_stores_a_good_upload_in_the_library(superuser_client, section, settings):
    settings.MEDIA_MIN_HERO_WIDTH = 100
    data = admin_article_data(
        superuser_client,
        section,
        hero_upload=SimpleUploadedFile("phone.jpg", jpeg_with_gps_and_rotation()),
    )
    response = superuser_client.post(reverse("admin:articles_article_add"), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    article = Article.objects.get()
    assert not Image.open(article.hero.file.open()).getexif()
    assert (article.hero.width, article.hero.height) == (100, 200)

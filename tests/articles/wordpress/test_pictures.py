"""Pictures of an import: from a local uploads copy or over HTTP, as heroes and in bodies."""

import http.server
import io
import threading

import pytest
from django.core.files.storage import default_storage
from PIL import Image

from articles.models import Article, Redirect, WordPressLink
from newsroom.media.models import Image as LibraryImage

from .builder import BASE_URL, WXRItem
from .test_importer import HARBOUR, export, run

pytestmark = pytest.mark.django_db

UPLOADS = f"{BASE_URL}/wp-content/uploads"


def picture_bytes(fmt="JPEG", size=(64, 40), colour=(20, 90, 160)):
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, fmt)
    return buffer.getvalue()


@pytest.fixture
def uploads(tmp_path):
    """A made-up copy of wp-content/uploads: two pictures and a file that only says it is one."""
    folder = tmp_path / "uploads"
    (folder / "2024" / "03").mkdir(parents=True)
    (folder / "2024" / "03" / "quay.jpg").write_bytes(picture_bytes())
    (folder / "2024" / "03" / "ferry.png").write_bytes(picture_bytes("PNG", (30, 30)))
    (folder / "2024" / "03" / "broken.jpg").write_bytes(b"this is not a picture")
    return folder


def attachment(post_id, name, *, title="", caption="", alt="", credit=""):
    meta = [("_wp_attachment_image_alt", alt)] if alt else []
    if credit:
        meta.append(("_media_credit", credit))
    return WXRItem(
        post_id,
        title=title or name,
        excerpt=caption,
        post_type="attachment",
        status="inherit",
        attachment_url=f"{UPLOADS}/2024/03/{name}",
        meta=meta,
    )


def items_with_pictures():
    return [
        WXRItem(
            10,
            title="Harbour reopens",
            slug="harbour-reopens",
            content=(
                f'Seen from the water.\n\n<img src="{UPLOADS}/2024/03/ferry.png" alt="Ferry">'
                f'\n\n<img src="{UPLOADS}/2024/03/elsewhere.jpg" alt="Gone">'
            ),
            categories=[HARBOUR],
            meta=[("_thumbnail_id", "20")],
        ),
        WXRItem(
            11,
            title="Quiet quay",
            slug="quiet-quay",
            categories=[HARBOUR],
            meta=[("_thumbnail_id", "22")],
        ),
        WXRItem(
            12,
            title="Untitled picture",
            slug="untitled",
            categories=[HARBOUR],
            meta=[("_thumbnail_id", "23")],
        ),  # fmt: skip
        # The featured image may come after the post in the file.
        attachment(
            20, "quay.jpg", caption="The quay at dawn.", alt="Boats at the quay", credit="Ola Foto"
        ),  # fmt: skip
        attachment(21, "ferry.png"),
        attachment(22, "broken.jpg"),
        attachment(23, "quay.jpg", title=""),
    ]


def test_featured_images_become_heroes_with_alt_caption_and_credit(
    tmp_path, uploads, client, django_capture_on_commit_callbacks
):
    """Each becomes a library image with the attachment's words; the published story's
    picture is public once the import has committed."""
    with django_capture_on_commit_callbacks(execute=True):
        out, err = run(export(tmp_path, items=items_with_pictures()), "--media-from", str(uploads))
    story = Article.objects.get(slug="harbour-reopens")
    assert story.hero and story.hero_alt == "Boats at the quay"
    assert story.hero_caption == "The quay at dawn." and story.hero_credit == "Ola Foto"
    image = story.hero
    assert (image.width, image.height) == (64, 40)
    assert (image.alt_text, image.caption, image.credit) == (
        "Boats at the quay",
        "The quay at dawn.",
        "Ola Foto",
    )
    assert image.renditions["hero"]["WEBP"] and image.is_public
    page = client.get(story.get_absolute_url()).content.decode()
    assert 'alt="Boats at the quay"' in page and "The quay at dawn." in page
    # Without alt text, the attachment's title stands in.
    assert Article.objects.get(slug="untitled").hero_alt == "quay.jpg"
    # A file that is no picture is reported; its post is imported without a hero.
    quiet = Article.objects.get(slug="quiet-quay")
    assert quiet.hero is None
    assert "attachment 22" in err and "not a JPEG, PNG, WebP or GIF" in err
    assert "pictures failed: 1" in out


def test_images_in_the_body_are_stored_here_and_pointed_at(tmp_path, uploads, client):
    out, _err = run(export(tmp_path, items=items_with_pictures()), "--media-from", str(uploads))
    story = Article.objects.get(slug="harbour-reopens")
    link = WordPressLink.objects.get(kind=WordPressLink.Kind.ATTACHMENT, key="21")
    assert link.stored_name == "imported/old-site.example/2024/03/ferry.png"
    assert default_storage.exists(link.stored_name)
    assert f'src="{default_storage.url(link.stored_name)}"' in story.body
    # A picture the uploads copy does not have stays listed, and the sanitizer drops it.
    assert "Images still on the old site's uploads: 1" in out
    assert "elsewhere.jpg" not in story.body
    # The old picture address leads to the stored one.
    response = client.get("/wp-content/uploads/2024/03/ferry.png")
    assert response.status_code == 301
    assert response["Location"] == default_storage.url(link.stored_name)


def test_a_second_run_stores_no_picture_twice(tmp_path, uploads):
    path = export(tmp_path, items=items_with_pictures())
    run(path, "--media-from", str(uploads))
    stored = sorted(default_storage.listdir("imported/old-site.example/2024/03")[1])
    heroes = dict(Article.objects.values_list("slug", "hero_id"))
    images = LibraryImage.objects.count()
    out, _err = run(path, "--media-from", str(uploads))
    assert sorted(default_storage.listdir("imported/old-site.example/2024/03")[1]) == stored
    # The same library images, none added.
    assert dict(Article.objects.values_list("slug", "hero_id")) == heroes
    assert LibraryImage.objects.count() == images
    assert "articles unchanged: 3" in out


def test_without_a_picture_source_attachments_are_reported(tmp_path):
    out, _err = run(export(tmp_path, items=items_with_pictures()))
    assert not Article.objects.filter(hero__isnull=False).exists()
    assert "attachments left out: 4" in out
    assert '#21 "ferry.png": an attachment, and no --media-from or --media-base-url' in out


def test_a_dry_run_checks_pictures_and_stores_none(tmp_path, uploads):
    out, _err = run(
        export(tmp_path, items=items_with_pictures()), "--media-from", str(uploads), "--dry-run"
    )
    assert "pictures imported: 3" in out and "pictures failed: 1" in out
    assert not default_storage.exists("imported")
    assert not Article.objects.exists()


class _Uploads(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture
def picture_server(uploads):
    """The uploads copy served on 127.0.0.1 under /wp-content/uploads/, as the old site did."""
    (uploads.parent / "site" / "wp-content").mkdir(parents=True)
    (uploads.parent / "site" / "wp-content" / "uploads").symlink_to(uploads)

    def handler(*args, **kwargs):
        return _Uploads(*args, directory=str(uploads.parent / "site"), **kwargs)

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_pictures_can_be_fetched_from_the_old_site(tmp_path, picture_server):
    path = export(tmp_path, items=items_with_pictures())
    out, err = run(path, "--media-base-url", picture_server)
    assert Article.objects.get(slug="harbour-reopens").hero_alt == "Boats at the quay"
    assert "pictures imported: 3" in out
    assert "not a JPEG, PNG, WebP or GIF" in err


def test_a_picture_address_that_answers_404_is_reported(tmp_path, picture_server):
    items = [
        WXRItem(
            10, title="Lost", slug="lost", categories=[HARBOUR], meta=[("_thumbnail_id", "30")]
        ),  # fmt: skip
        attachment(30, "missing.jpg"),
    ]
    out, err = run(export(tmp_path, items=items), "--media-base-url", picture_server)
    assert Article.objects.get(slug="lost").hero is None
    assert "answered 404" in err and "articles created: 1" in out


@pytest.mark.parametrize("address", ["ftp://old-site.example", "file:///etc", "old-site"])
def test_only_http_addresses_are_fetched(tmp_path, address):
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="http or https"):
        run(export(tmp_path, items=[]), "--media-base-url", address)


def test_an_uploads_copy_must_be_a_folder(tmp_path):
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="No folder"):
        run(export(tmp_path, items=[]), "--media-from", str(tmp_path / "nowhere"))


def test_old_picture_addresses_redirect_once_per_picture(tmp_path, uploads):
    run(export(tmp_path, items=items_with_pictures()), "--media-from", str(uploads))
    assert Redirect.objects.filter(old_path__startswith="/wp-content/uploads/").count() == 2

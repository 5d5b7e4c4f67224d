"""Pictures of an import: from a local uploads copy or over HTTP, as heroes and in bodies."""

import http.server
import io
import threading

import pytest
from django.core.files.storage import default_storage, storages
from PIL import Image

from articles.models import Article, BodyImage, Redirect, WordPressLink
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


def test_images_in_the_body_become_library_images_and_are_pointed_at(tmp_path, uploads):
    out, _err = run(export(tmp_path, items=items_with_pictures()), "--media-from", str(uploads))
    story = Article.objects.get(slug="harbour-reopens")
    link = WordPressLink.objects.get(kind=WordPressLink.Kind.IMAGE, key="21")
    ferry = LibraryImage.objects.get(pk=link.object_id)
    assert f'<img data-image="{ferry.pk}" alt="Ferry">' in story.body
    assert set(story.body_images.values_list("image_id", flat=True)) == {ferry.pk}
    # Nothing of the old uploads lands in the public storage.
    assert not default_storage.exists("imported")
    # A picture the uploads copy does not have stays listed, and becomes a link to it.
    assert "Images still on the old site's uploads: 1" in out
    assert f'<a href="{UPLOADS}/2024/03/elsewhere.jpg" rel="noopener">Gone</a>' in story.body


def test_a_second_run_stores_no_picture_twice(tmp_path, uploads, committed_import):
    path = export(tmp_path, items=items_with_pictures())
    committed_import(path, "--media-from", str(uploads))
    heroes = dict(Article.objects.values_list("slug", "hero_id"))
    images = LibraryImage.objects.count()
    files = private_files()
    out, _err = committed_import(path, "--media-from", str(uploads))
    # The same library images, none added, and no file left behind.
    assert dict(Article.objects.values_list("slug", "hero_id")) == heroes
    assert LibraryImage.objects.count() == images
    assert private_files() == files
    assert "articles unchanged: 3" in out


def private_files(folder=""):
    try:
        folders, names = storages["private_media"].listdir(folder)
    except FileNotFoundError:
        return set()
    found = {f"{folder}/{name}".lstrip("/") for name in names}
    for sub in folders:
        found |= private_files(f"{folder}/{sub}".lstrip("/"))
    return found


@pytest.fixture
def committed_import(django_capture_on_commit_callbacks):
    """The command with what waits for each batch's commit run, as outside a test."""

    def call(*args):
        with django_capture_on_commit_callbacks(execute=True):
            return run(*args)

    return call


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
    assert not LibraryImage.objects.exists() and not private_files()
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


def body_picture_items():
    """A published story whose text shows its own hero (resized, in a caption, linked to the
    full size), another attachment, one missing from the uploads copy and one from another
    site; and a draft with a picture of its own."""
    return [
        WXRItem(
            30,
            title="Boats return",
            slug="boats-return",
            categories=[HARBOUR],
            meta=[("_thumbnail_id", "40")],
            content=(
                "The fleet is back.\n\n"
                '[caption id="attachment_40" align="alignnone" width="300"]'
                f'<a href="{UPLOADS}/2024/03/quay.jpg"><img class="wp-image-40" '
                f'src="{UPLOADS}/2024/03/quay-300x200.jpg" alt="" width="300" height="200" />'
                "</a> Boats at the quay[/caption]\n\n"
                f'<img src="{UPLOADS}/2024/03/ferry.png" alt="The ferry leaving">\n\n'
                f'<img src="{UPLOADS}/2024/03/missing.jpg" alt="Nets on the quay">\n\n'
                '<img src="https://photos.elsewhere.example/gull.jpg" alt="A gull">'
            ),
        ),
        WXRItem(
            31,
            title="Nets to mend",
            slug="nets-to-mend",
            status="draft",
            categories=[HARBOUR],
            content=f'Not yet.\n\n<img src="{UPLOADS}/2024/03/net.jpg" alt="Mending nets">',
        ),
        attachment(
            40, "quay.jpg", caption="The quay at dawn.", alt="Boats at the quay", credit="Ola Foto"
        ),
        attachment(41, "ferry.png"),
        attachment(42, "missing.jpg"),
        attachment(43, "net.jpg", alt="Nets being mended"),
    ]


@pytest.fixture
def body_uploads(uploads):
    (uploads / "2024" / "03" / "net.jpg").write_bytes(picture_bytes(size=(50, 50)))
    return uploads


def library_image(key):
    link = WordPressLink.objects.get(kind=WordPressLink.Kind.IMAGE, key=key)
    return LibraryImage.objects.get(pk=link.object_id)


def test_body_pictures_become_library_images_shared_with_the_hero(
    tmp_path, body_uploads, committed_import
):
    out, err = committed_import(
        export(tmp_path, items=body_picture_items()), "--media-from", str(body_uploads)
    )
    story = Article.objects.get(slug="boats-return")
    quay, ferry, net = library_image("40"), library_image("41"), library_image("43")
    # One image per attachment: the hero and the resized copy in the text are one picture.
    assert LibraryImage.objects.count() == 3
    assert story.hero == quay
    assert (quay.alt_text, quay.caption, quay.credit) == (
        "Boats at the quay",
        "The quay at dawn.",
        "Ola Foto",
    )
    assert ferry.alt_text == "ferry.png" and net.alt_text == "Nets being mended"
    assert f'<img data-image="{quay.pk}" alt="" width="300" height="200">' in story.body
    assert f'<img data-image="{ferry.pk}" alt="The ferry leaving">' in story.body
    assert '<a href="/wp-content/uploads/2024/03/quay.jpg" rel="noopener">' in story.body
    assert set(story.body_images.values_list("image_id", flat=True)) == {quay.pk, ferry.pk}
    # The missing one is reported, and kept as a link to where it was; so is the other site's.
    assert 'attachment 42 "missing.jpg"' in err and "not in the uploads folder" in err
    assert f'<a href="{UPLOADS}/2024/03/missing.jpg" rel="noopener">Nets on' in story.body
    assert '<a href="https://photos.elsewhere.example/gull.jpg" rel="noopener">A gull' in (
        story.body
    )
    assert "pictures from elsewhere kept as links: 2" in out
    # Public while a published story shows them; the draft's stays private.
    quay.refresh_from_db(), ferry.refresh_from_db(), net.refresh_from_db()
    assert quay.is_public and ferry.is_public and not net.is_public
    draft = Article.objects.get(slug="nets-to-mend")
    assert set(draft.body_images.values_list("image_id", flat=True)) == {net.pk}


def test_readers_see_the_imported_body_pictures_and_old_addresses_follow_publicity(
    tmp_path, body_uploads, committed_import, client
):
    committed_import(
        export(tmp_path, items=body_picture_items()), "--media-from", str(body_uploads)
    )
    story = Article.objects.get(slug="boats-return")
    quay, ferry, net = library_image("40"), library_image("41"), library_image("43")
    page = client.get(story.get_absolute_url()).content.decode()
    body = page.split('class="article-body"', 1)[1].split("</div>", 1)[0]
    assert body.count('<picture class="body-picture">') == 2
    assert f"/{quay.pk}-body-" in body and 'alt="The ferry leaving"' in body
    assert "data-image" not in body and "wp-content" in body  # the link to the full size
    assert "<figcaption>Boats at the quay</figcaption>" in body

    ferry_old = client.get("/wp-content/uploads/2024/03/ferry.png")
    assert ferry_old.status_code == 301
    assert ferry_old["Location"].startswith(f"/media/library/renditions/{ferry.pk}-body-")
    assert client.get(ferry_old["Location"]).status_code == 200
    # The draft's picture: its old address answers 404 like the draft, and so do its files.
    assert client.get("/wp-content/uploads/2024/03/net.jpg").status_code == 404
    net.refresh_from_db()
    assert net.picture_url("body", private=False) == ""


def picture_state():
    """Everything an import's pictures leave: images, their uses, old addresses, files."""
    return (
        sorted(LibraryImage.objects.values_list("pk", "is_public")),
        sorted(BodyImage.objects.values_list("article_id", "image_id")),
        sorted(Redirect.objects.values_list("old_path", "target", "image_id")),
        dict(Article.objects.values_list("slug", "body")),
        private_files(),
    )


def test_a_second_run_over_body_pictures_changes_nothing(tmp_path, body_uploads, committed_import):
    path = export(tmp_path, items=body_picture_items())
    committed_import(path, "--media-from", str(body_uploads))
    before = picture_state()
    out, _err = committed_import(path, "--media-from", str(body_uploads))
    after = picture_state()
    assert after == before
    assert "articles unchanged: 2" in out and "articles created" not in out


def test_a_batch_undone_leaves_no_picture_file_behind(tmp_path, body_uploads, monkeypatch):
    """A batch that fails is imported again item by item; the pictures the undone batch
    had written are removed with it, and written again once."""
    from articles.wordpress import importer

    calls = {"n": 0}
    original = importer.ImportRun._insert_new_articles

    def failing_once(self):
        calls["n"] += 1
        if calls["n"] == 1:
            raise ValueError("the first batch fails")
        return original(self)

    monkeypatch.setattr(importer.ImportRun, "_insert_new_articles", failing_once)
    out, _err = run(export(tmp_path, items=body_picture_items()), "--media-from", str(body_uploads))
    assert "batches imported again one item at a time: 1" in out
    originals = {name for name in private_files() if name.startswith("library/originals/")}
    assert len(originals) == LibraryImage.objects.count() == 3

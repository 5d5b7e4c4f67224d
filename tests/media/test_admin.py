"""The library in the admin: the list (search, date filter, constant queries), uploads and
their errors, the focal point form, who may edit what, private files, and deleting."""

import datetime
import io
import json

import pytest
from django.contrib.auth.models import Permission
from django.core.files.storage import storages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from newsroom import images
from newsroom.media import usage
from newsroom.media.models import Image
from tests.factories import UserFactory
from tests.media.factories import ImageFactory, spot_picture

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/media/image/"


@pytest.fixture
def editor_client(client, editor, settings):
    settings.REQUIRE_2FA = False
    client.force_login(editor)
    return client


@pytest.fixture
def writer_client(client, writer, settings):
    settings.REQUIRE_2FA = False
    client.force_login(writer)
    return client


def fake_renditions(pk):
    entry = {"name": f"library/renditions/{pk}-square-160-abc.jpg", "width": 160, "height": 160}
    return {"square": {"JPEG": [entry], "WEBP": [{**entry, "name": entry["name"][:-3] + "webp"}]}}


def many_images(count, *, by=None, when=None):
    # Within one day, so the date hierarchy has the same levels to offer whatever the count.
    when = when or timezone.now().replace(hour=12, minute=0)
    made = Image.objects.bulk_create(
        Image(
            file=f"library/originals/2026/11/picture-{n}.jpg",
            original_name=f"picture-{n}.jpg",
            width=2000,
            height=1200,
            alt_text=f"Picture number {n}",
            uploaded_by=by,
            uploaded_at=when - datetime.timedelta(seconds=n),
        )
        for n in range(count)
    )
    for image in made:
        image.renditions = fake_renditions(image.pk)
    Image.objects.bulk_update(made, ["renditions"])
    return made


@pytest.fixture
def one_query_use(uses):
    """A use that finds its references with one query, like a foreign key's."""

    def references(ids):
        return [
            usage.Reference(image_id=pk, use="tests.cover", label="Cover of", title=f"Issue {pk}")
            for pk in Image.objects.filter(pk__in=ids, width__gt=0).values_list("pk", flat=True)
        ]

    uses.register(usage.Use("tests.cover", "Cover", references, lambda ids: []))


_last = []


def changelist_queries(client, url=CHANGELIST):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    _last[:] = queries.captured_queries
    assert response.status_code == 200
    return len(queries), response


def test_the_list_costs_the_same_with_1000_images_as_with_10(editor_client, editor, one_query_use):
    """No query per row: uploaders come with the images and the "where it is used" column
    asks each use once for the whole page."""
    many_images(10, by=editor)
    editor_client.get(CHANGELIST)  # the first page of a session warms caches of its own
    few, response = changelist_queries(editor_client)
    assert response.content.count(b'class="media-thumb"') == 10
    assert b"<li>Cover of: Issue" in response.content
    many_images(990, by=editor)
    lots, response = changelist_queries(editor_client)
    assert response.content.count(b'class="media-thumb"') == 60
    assert lots == few, "\n".join(q["sql"][:150] for q in _last)


def test_search_by_alt_text_caption_credit_and_file_name(editor_client):
    ImageFactory(alt_text="Fishing boats at Oban", caption="", credit="")
    ImageFactory(alt_text="A tram", caption="The last tram to Leith", credit="")
    ImageFactory(alt_text="A bridge", caption="", credit="Agence Nord")
    ImageFactory(alt_text="A hill", file=spot_picture(name="arthurs-seat.jpg"))
    for term, expected in [
        ("Oban", "Fishing boats at Oban"),
        ("Leith", "A tram"),
        ("Agence", "A bridge"),
        ("arthurs-seat", "A hill"),
    ]:
        response = editor_client.get(CHANGELIST, {"q": term})
        assert [str(i) for i in response.context["cl"].result_list] == [expected]


def test_filter_by_upload_date(editor_client):
    recent = ImageFactory(alt_text="Uploaded today")
    old = ImageFactory(alt_text="Uploaded long ago")
    Image.objects.filter(pk=old.pk).update(uploaded_at=timezone.now() - datetime.timedelta(days=90))
    today = timezone.localdate()
    response = editor_client.get(
        CHANGELIST,
        {
            "uploaded_at__gte": str(today),
            "uploaded_at__lt": str(today + datetime.timedelta(days=1)),
        },
    )
    assert list(response.context["cl"].result_list) == [recent]
    year = (timezone.localdate() - datetime.timedelta(days=90)).year
    month = (timezone.localdate() - datetime.timedelta(days=90)).month
    response = editor_client.get(
        CHANGELIST, {"uploaded_at__year": year, "uploaded_at__month": month}
    )
    assert old in response.context["cl"].result_list
    assert recent not in response.context["cl"].result_list


def test_the_change_page_shows_uploader_size_and_uses(
    editor_client, editor, one_query_use, committed
):
    with committed():
        image = ImageFactory(uploaded_by=editor)
    response = editor_client.get(reverse("admin:media_image_change", args=[image.pk]))
    html = response.content.decode()
    assert "1600 × 900 px" in html
    assert "<li>Cover of: Issue" in html
    assert 'id="focal-picker"' in html
    for kind in images.KINDS:
        assert f'data-kind="{kind}"' in html
    assert editor.get_username() in html


def test_the_focal_point_form_without_javascript_moves_the_crops(editor_client, committed):
    """Two numbers and Save: stored, and the renditions are made again with new names."""
    with committed():
        image = ImageFactory(
            alt_text="Harbour", file=spot_picture(size=(1600, 1200), spot=(0.95, 0.1))
        )
    image.refresh_from_db()
    before = image.renditions
    url = reverse("admin:media_image_change", args=[image.pk])
    data = {"alt_text": "Harbour", "caption": "", "credit": "", "focal_x": "0.95", "focal_y": "0.1"}
    with committed():
        response = editor_client.post(url, data)
    assert response.status_code == 302
    image.refresh_from_db()
    assert (image.focal_x, image.focal_y) == (0.95, 0.1)
    assert image.renditions["square"] != before["square"]
    page = editor_client.get(url).content.decode()
    # The outline of the square crop now sits at the right edge (x = 1600 - 1200).
    assert 'data-kind="square" data-ratio="1.000000" x="400" y="0"' in page


@pytest.mark.parametrize("value", ["1.5", "-0.1", "middle"])
def test_a_focal_point_outside_the_picture_is_refused_and_the_text_kept(editor_client, value):
    image = ImageFactory(alt_text="Harbour")
    url = reverse("admin:media_image_change", args=[image.pk])
    data = {
        "alt_text": "Harbour at dusk",
        "caption": "Kept",
        "credit": "",
        "focal_x": value,
        "focal_y": "0.5",
    }
    response = editor_client.post(url, data)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["focal_x"]
    assert "Harbour at dusk" in response.content.decode()
    image.refresh_from_db()
    assert image.alt_text == "Harbour"


def test_uploading_several_pictures_at_once(editor_client, editor, committed):
    files = [spot_picture(name="one.jpg"), spot_picture(name="two.png", fmt="PNG")]
    with committed():
        response = editor_client.post(
            reverse("admin:media_image_upload"),
            {"files": files, "alt_text": "", "caption": "From the flood", "credit": "Staff"},
        )
    assert response.status_code == 302
    made = Image.objects.order_by("original_name")
    assert [i.original_name for i in made] == ["one.jpg", "two.png"]
    assert all(i.uploaded_by == editor and i.caption == "From the flood" for i in made)
    assert all(i.renditions for i in made)


SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (("drawing.svg", SVG), "drawing.svg: SVG drawings cannot be uploaded here"),
        (("notes.jpg", b"just some text"), "notes.jpg: This file is not a JPEG, PNG, WebP or GIF"),
        (("cut.jpg", None), "cut.jpg: This picture is damaged or incomplete"),
    ],
)
def test_a_bad_file_is_refused_by_name_and_nothing_is_saved(editor_client, upload, message):
    name, content = upload
    if content is None:
        content = spot_picture().read()[:2000]
    bad = io.BytesIO(content)
    bad.name = name
    response = editor_client.post(
        reverse("admin:media_image_upload"),
        {"files": [spot_picture(name="good.jpg"), bad], "caption": "Kept caption"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert "Kept caption" in html
    assert not Image.objects.exists()


def test_upload_in_place_answers_json(editor_client, committed):
    """The article form's "upload in place": 201 and the new image, or 400 and the error."""
    url = reverse("admin:media_image_upload")
    headers = {"Accept": "application/json"}
    with committed():
        response = editor_client.post(
            url, {"files": [spot_picture(name="hero.jpg")], "alt_text": "A quay"}, headers=headers
        )
    assert response.status_code == 201
    made = response.json()["images"]
    assert made[0]["text"] == "A quay" and made[0]["width"] == 1600
    assert made[0]["thumbnail"].startswith("/admin/media/image/file/library/")
    bad = io.BytesIO(SVG)
    bad.name = "x.svg"
    response = editor_client.post(url, {"files": [bad]}, headers=headers)
    assert response.status_code == 400
    assert "SVG drawings" in json.dumps(response.json()["errors"]["files"])


def test_the_add_page_works_as_a_popup_for_a_foreign_key(editor_client):
    """Django's "+" next to a foreign key: the add view with _popup=1 answers the opener."""
    url = reverse("admin:media_image_add") + "?_popup=1&_to_field=id"
    response = editor_client.post(
        url,
        {
            "file": spot_picture(name="pop.jpg"),
            "alt_text": "Pop",
            "caption": "",
            "credit": "",
            "_popup": "1",
            "_to_field": "id",
        },
    )
    assert response.status_code == 200
    assert "popup_response" in response.templates[0].name
    assert Image.objects.get().alt_text == "Pop"


def test_autocomplete_finds_images_by_text(editor_client):
    """ArticleAdmin's autocomplete_fields = ["hero"] searches the library this way."""
    ImageFactory(alt_text="Lifeboat crew in training")
    ImageFactory(alt_text="Council chamber")
    model_admin_search = reverse("admin:autocomplete")
    from django.contrib import admin

    image_admin = admin.site._registry[Image]
    queryset, _ = image_admin.get_search_results(None, Image.objects.all(), "lifeboat")
    assert [str(i) for i in queryset] == ["Lifeboat crew in training"]
    assert model_admin_search


def test_writers_edit_their_own_images_and_only_see_others(writer_client, writer, editor):
    own = ImageFactory(uploaded_by=writer, alt_text="Mine")
    other = ImageFactory(uploaded_by=editor, alt_text="Theirs")
    data = {"alt_text": "Changed", "caption": "", "credit": "", "focal_x": "0.5", "focal_y": "0.5"}
    assert (
        writer_client.post(reverse("admin:media_image_change", args=[own.pk]), data).status_code
        == 302
    )
    response = writer_client.post(reverse("admin:media_image_change", args=[other.pk]), data)
    assert response.status_code == 403
    other.refresh_from_db()
    assert other.alt_text == "Theirs"
    page = writer_client.get(reverse("admin:media_image_change", args=[other.pk]))
    assert page.status_code == 200 and page.context["has_change_permission"] is False


def test_private_files_answer_staff_with_permission_only(
    client, writer, moderator, settings, committed
):
    settings.REQUIRE_2FA = False
    with committed():
        image = ImageFactory()
    image.refresh_from_db()
    url = image.picture("hero", private=True).src
    assert client.get(url).status_code == 403
    client.force_login(moderator)
    assert client.get(url).status_code == 403
    client.force_login(writer)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, max-age=600"
    assert response["Content-Type"] == "image/jpeg"
    assert "sandbox" in response["Content-Security-Policy"]
    for bad in ("../secret.txt", "library/../../etc/passwd", "other/x.jpg", "library/x.html"):
        assert client.get(f"/admin/media/image/file/{bad}").status_code == 404


def test_deleting_an_unused_image_removes_its_files(editor_client, committed):
    with committed():
        image = ImageFactory()
    image.refresh_from_db()
    names = images.rendition_names(image.renditions) | {image.file.name}
    with committed():
        response = editor_client.post(
            reverse("admin:media_image_delete", args=[image.pk]), {"post": "yes"}
        )
    assert response.status_code == 302
    assert not Image.objects.exists()
    assert not any(storages["private_media"].exists(name) for name in names)


def test_a_staff_member_without_a_role_has_no_library(client, settings):
    settings.REQUIRE_2FA = False
    client.force_login(UserFactory(username="intern", is_staff=True))
    assert client.get(CHANGELIST).status_code == 403
    assert client.get(reverse("admin:media_image_upload")).status_code == 403
    assert not Permission.objects.filter(
        group__name="Comment moderator", content_type__app_label="media"
    ).exists()

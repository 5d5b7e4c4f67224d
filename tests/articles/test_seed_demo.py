import io
import re

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.utils import timezone
from PIL import Image

from articles import demo
from articles.models import Article, Byline, Section, Tag
from authors.models import Author
from tests.factories import image_file

pytestmark = pytest.mark.django_db

LOGIN = re.compile(r"^Log in as: editor / (\S+)$", re.MULTILINE)


@pytest.fixture(autouse=True)
def project_dir(settings, tmp_path):
    """The command keeps the editor's password under BASE_DIR/var: never the real one here."""
    settings.BASE_DIR = tmp_path
    return tmp_path


@pytest.fixture
def quick_illustrations(monkeypatch):
    """Drawing 75 full-size illustrations takes most of a run; the tests need only files."""
    jpeg = image_file().read()
    monkeypatch.setattr(demo, "render_hero", lambda *args: jpeg)
    monkeypatch.setattr(demo, "render_portrait", lambda *args: jpeg)


def seed(**options):
    out = io.StringIO()
    call_command("seed_demo", stdout=out, **options)
    return out.getvalue()


def counts():
    now = timezone.now()
    return {
        "sections": Section.objects.count(),
        "tags": Tag.objects.count(),
        "authors": Author.objects.count(),
        "agencies": Author.objects.filter(is_agency=True).count(),
        "articles": Article.objects.count(),
        "public": Article.objects.public().count(),
        "drafts": Article.objects.filter(status=Article.Status.DRAFT).count(),
        "scheduled": Article.objects.filter(
            status=Article.Status.PUBLISHED, published_at__gt=now
        ).count(),
        "bylines": Byline.objects.count(),
        "users": get_user_model().objects.count(),
    }


@pytest.mark.usefixtures("quick_illustrations")
def test_seed_demo_builds_a_newsroom_once_and_prints_the_editor_login(client, project_dir):
    first_output = seed()
    first = counts()
    assert first["sections"] >= 6
    assert first["authors"] >= 8
    assert first["agencies"] == 1
    assert first["articles"] >= 60
    assert first["drafts"] >= 1
    assert first["scheduled"] >= 1
    assert first["public"] >= 50
    assert first["bylines"] >= first["articles"]

    [password] = LOGIN.findall(first_output)
    assert client.login(username="editor", password=password)
    editor = get_user_model().objects.get(username="editor")
    assert editor.is_staff and editor.is_active
    assert (project_dir / "var" / "demo-editor-password").read_text().strip() == password

    second_output = seed()
    assert counts() == first
    assert LOGIN.findall(second_output) == [password]
    # What the demo publishes is a readable site.
    assert client.get("/").status_code == 200


@pytest.mark.usefixtures("quick_illustrations")
def test_seed_demo_adds_archive_articles_up_to_the_number_asked(client):
    seed()
    demo = counts()
    seed(articles=50)
    with_archive = counts()
    assert with_archive["articles"] == demo["articles"] + 50
    assert with_archive["public"] == demo["public"] + 50
    assert with_archive["sections"] == demo["sections"]
    assert with_archive["authors"] == demo["authors"]

    seed(articles=50)
    assert counts() == with_archive
    assert client.get("/search/?q=the").status_code == 200


@pytest.mark.parametrize("options", [{"articles": -1}, {"batch_size": 0}])
def test_seed_demo_refuses_impossible_numbers(options):
    with pytest.raises(CommandError):
        seed(**options)


def test_demo_illustrations_are_jpeg_images_of_the_expected_size():
    hero = Image.open(io.BytesIO(demo.render_hero(7)))
    portrait = Image.open(io.BytesIO(demo.render_portrait("Amara Osei", (30, 90, 160))))
    assert (hero.format, hero.size) == ("JPEG", (1600, 900))
    assert portrait.format == "JPEG"
    assert portrait.size[0] == portrait.size[1]

import io
import re

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db.models import Q
from django.utils import timezone
from PIL import Image

from articles.models import Article, Byline, Correction, Section, Tag
from authors.models import Author
from demo import pictures
from newsroom.media.models import Image as LibraryImage

pytestmark = pytest.mark.django_db

LOGIN = re.compile(r"^Log in as: editor / (\S+)$", re.MULTILINE)


def seed():
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
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
        "corrections": Correction.objects.count(),
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
    assert first["corrections"] >= 2

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
def test_seed_demo_makes_the_renditions_of_every_picture_even_for_an_older_demo():
    seed()
    heroes = Article.objects.filter(hero__isnull=False)
    photos = Author.objects.filter(photo__isnull=False)
    assert heroes.count() >= 60 and photos.count() >= 8
    pictures = LibraryImage.objects.filter(
        Q(pk__in=heroes.values("hero")) | Q(pk__in=photos.values("photo"))
    )
    assert not pictures.filter(renditions={}).exists()
    # Published stories' pictures and every author's photo are public.
    assert not pictures.filter(is_public=False, pk__in=photos.values("photo")).exists()
    assert pictures.filter(is_public=True, pk__in=heroes.public().values("hero")).count() == (
        heroes.public().values("hero").distinct().count()
    )

    # A demo loaded before the seed made renditions gets them on the next run, and a second
    # run adds no picture to the library.
    count = LibraryImage.objects.count()
    pictures.update(renditions={})
    seed()
    assert not pictures.filter(renditions={}).exists()
    assert LibraryImage.objects.count() == count


def test_demo_illustrations_are_jpeg_images_of_the_expected_size():
    hero = Image.open(io.BytesIO(pictures.render_hero(7)))
    portrait = Image.open(io.BytesIO(pictures.render_portrait("Amara Osei", (30, 90, 160))))
    assert (hero.format, hero.size) == ("JPEG", (1600, 900))
    assert portrait.format == "JPEG"
    assert portrait.size[0] == portrait.size[1]

"""The move of heroes and author photos into the media library, run on a database that has
the old columns: each stored picture becomes one library image, and rows point at it."""

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from tests.factories import image_bytes

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("articles", "0016_wordpress_link_fingerprint"), ("authors", "0002_photo_renditions")]
AFTER = [("articles", "0019_remove_article_hero_image"), ("authors", "0005_photo_from_library")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def test_heroes_and_photos_become_library_images():
    old = migrate(BEFORE)
    try:
        Section = old.get_model("articles", "Section")
        Article = old.get_model("articles", "Article")
        Author = old.get_model("authors", "Author")
        section = Section.objects.create(name="World", slug="world")
        shared = default_storage.save("articles/2026/03/quay.jpg", ContentFile(image_bytes()))
        photo = default_storage.save("authors/2026/ines.jpg", ContentFile(image_bytes((90, 90))))
        words = {"hero_alt": "Boats at the quay", "hero_caption": "Dawn.", "hero_credit": "Ola"}
        for slug in ("one", "two"):
            Article.objects.create(
                headline=slug, slug=slug, standfirst="s", section=section, hero_image=shared,
                hero_width=160, hero_height=90, **words,
            )  # fmt: skip
        Article.objects.create(
            headline="gone", slug="gone", standfirst="s", section=section,
            hero_image="articles/2026/03/missing.jpg", hero_width=1, hero_height=1,
            hero_alt="Lost",
        )  # fmt: skip
        Article.objects.create(headline="none", slug="none", standfirst="s", section=section)
        Author.objects.create(name="Ines Varga", slug="ines-varga", photo=photo)
        Author.objects.create(name="No Photo", slug="no-photo")

        new = migrate(AFTER)

        Article = new.get_model("articles", "Article")
        Author = new.get_model("authors", "Author")
        Image = new.get_model("media", "Image")
        one, two = Article.objects.get(slug="one"), Article.objects.get(slug="two")
        assert one.hero_id and one.hero_id == two.hero_id
        image = Image.objects.get(pk=one.hero_id)
        assert (image.alt_text, image.caption, image.credit) == (
            "Boats at the quay",
            "Dawn.",
            "Ola",
        )
        assert (image.width, image.height, image.is_public) == (160, 90, False)
        assert image.file.name.startswith("library/originals/")
        with image.file.open("rb") as copied, default_storage.open(shared, "rb") as original:
            assert copied.read() == original.read()
        # A hero whose file is gone leaves the article without one, its words kept.
        gone = Article.objects.get(slug="gone")
        assert gone.hero_id is None and gone.hero_alt == "Lost"
        assert Article.objects.get(slug="none").hero_id is None
        ines = Author.objects.get(slug="ines-varga")
        assert Image.objects.get(pk=ines.photo_id).alt_text == "Ines Varga"
        assert Author.objects.get(slug="no-photo").photo_id is None
        assert Image.objects.count() == 2
    finally:
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())

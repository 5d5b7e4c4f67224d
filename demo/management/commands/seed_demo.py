"""Fill the database with the demo newsroom."""

import os
import secrets
import time
from datetime import timedelta
from functools import partial
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from articles import roles
from articles.models import Article, Byline, Correction, Section, Tag
from authors.models import Author
from comments import roles as comment_roles
from demo import newsroom, pictures
from newsroom.media import publicity, renditions
from newsroom.media.models import Image

# Every generated name, number and picture follows from this seed, so a second run finds the
# rows of the first by their slugs. Changing it would add a second, different set of articles.
SEED = 1848
EDITOR_USERNAME = "editor"


class Command(BaseCommand):
    help = (
        "Build the demo newsroom: 7 sections, 9 authors with portraits, tags, and 66 articles "
        "with illustrations and their renditions (60 published over the last four weeks, 3 "
        "drafts, 3 scheduled) and a few correction notes, plus an editor 'editor' whose "
        "password is kept in var/demo-editor-password. Running it again changes nothing that "
        "exists (but adds missing renditions) and duplicates nothing."
    )

    def handle(self, *args, **options):
        started = time.monotonic()
        editor, password = self.ensure_editor()
        sections, tags, authors = self.seed_catalogue()
        self.seed_articles(sections, tags, authors, editor)
        self.seed_corrections()
        self.stdout.write(f"Demo content ready ({time.monotonic() - started:.1f}s).")

        self.stdout.write("")
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo newsroom ready: {Section.objects.count()} sections, "
                f"{Author.objects.count()} authors, {Tag.objects.count()} tags, "
                f"{Article.objects.count():,} articles."
            )
        )
        self.stdout.write(f"Admin: {settings.SITE_URL}/{settings.ADMIN_PATH}")
        self.stdout.write(f"Log in as: {EDITOR_USERNAME} / {password}")

    def ensure_editor(self):
        """The demo's editor account, whose password is whatever the password file says."""
        path = Path(settings.BASE_DIR) / "var" / "demo-editor-password"
        password = path.read_text().strip() if path.exists() else ""
        if not password:
            password = secrets.token_urlsafe(12)
            path.parent.mkdir(parents=True, exist_ok=True)
            # Created readable by its owner only; it holds an editor's password.
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "w") as file:
                file.write(password)
        user, _ = get_user_model().objects.get_or_create(
            username=EDITOR_USERNAME,
            defaults={"email": "editor@example.com", "first_name": "Demo", "last_name": "Editor"},
        )
        # An editor, not a superuser: the demo shows the newsroom as its editors see it.
        user.is_active = user.is_staff = True
        user.is_superuser = False
        if not user.check_password(password):
            user.set_password(password)
        user.save()
        groups = {**roles.setup_roles(), **comment_roles.setup_roles()}
        user.groups.add(groups[roles.EDITOR], groups[comment_roles.COMMENT_MODERATOR])
        return user, password

    @transaction.atomic
    def seed_catalogue(self):
        """Sections, tags and authors, keyed by slug, as demo/content/newsroom.toml has them."""
        sections = {}
        for position, (name, slug, description) in enumerate(newsroom.SECTIONS, start=1):
            sections[slug], _ = Section.objects.update_or_create(
                slug=slug,
                # Gaps of ten leave room to slot a new section in between.
                defaults={"name": name, "description": description, "position": position * 10},
            )
        tags = {}
        for name in newsroom.TAGS:
            tags[slugify(name)], _ = Tag.objects.update_or_create(
                slug=slugify(name), defaults={"name": name}
            )
        authors = {}
        for spec in newsroom.AUTHORS:
            author, _ = Author.objects.update_or_create(
                slug=spec.slug,
                defaults={
                    "name": spec.name,
                    "job_title": spec.job_title,
                    "bio": spec.bio,
                    "x_handle": spec.x_handle,
                    "is_agency": spec.is_agency,
                },
            )
            if not spec.is_agency:
                render = partial(pictures.render_portrait, spec.name, spec.colour)
                photo = library_picture(f"{spec.slug}.jpg", render, alt_text=spec.name)
                if author.photo_id != photo.pk:
                    author.photo = photo
                    author.save()
            authors[spec.slug] = author
        return sections, tags, authors

    def seed_articles(self, sections, tags, authors, editor):
        """The demo articles; existing ones (found by slug) are left exactly as they are."""
        specs = newsroom.demo_articles(SEED, timezone.now())
        created = 0
        for spec in specs:
            story = spec.story
            with transaction.atomic():
                article, is_new = Article.objects.get_or_create(
                    slug=spec.slug,
                    defaults={
                        "headline": story.headline,
                        "standfirst": story.standfirst,
                        "body": story.body,
                        "source": story.source,
                        "section": sections[story.section],
                        "status": spec.status,
                        "published_at": spec.published_at,
                        "updated_at": spec.updated_at,
                        "is_featured": spec.is_featured,
                        "hero_alt": pictures.hero_alt(spec.image_seed),
                        "hero_caption": story.hero_caption,
                        "hero_credit": spec.hero_credit,
                        "created_by": editor,
                    },
                )
                if not is_new:
                    # Renditions only: a demo loaded before the seed made them gets them now.
                    if article.hero_id and not article.hero.renditions:
                        renditions.rebuild_now(article.hero)
                    continue
                Byline.objects.bulk_create(
                    Byline(article=article, author=authors[slug], position=position)
                    for position, slug in enumerate(spec.authors)
                )
                article.tags.set([tags[slug] for slug in spec.tags])
                render = partial(pictures.render_hero, spec.image_seed)
                article.hero = library_picture(
                    f"demo-{spec.slug}.jpg",
                    render,
                    alt_text=article.hero_alt,
                    caption=article.hero_caption,
                    credit=article.hero_credit,
                    by=editor,
                )
                # Saved after commit, the library makes the pictures of published stories
                # public.
                article.save()
                created += 1
        # Each save asks the library after commit; asked here too, so that a seed run inside
        # a transaction (a test's) shows its pictures as well.
        shown = Article.objects.filter(hero__isnull=False).values_list("hero", flat=True)
        photos = Author.objects.filter(photo__isnull=False).values_list("photo", flat=True)
        publicity.sync({*shown, *photos})
        self.stdout.write(
            f"Demo articles: {created} created, {len(specs) - created} already there."
        )

    @transaction.atomic
    def seed_corrections(self):
        """The editors' notes on published stories, each added once."""
        added = 0
        for note in newsroom.CORRECTIONS:
            article = Article.objects.filter(slug=note["slug"]).first()
            if article is None or article.published_at is None:
                raise CommandError(
                    f"A correction in demo/content/extras.toml names {note['slug']!r}, which "
                    "is not a published demo article."
                )
            _, is_new = Correction.objects.get_or_create(
                article=article,
                text=note["text"],
                defaults={
                    "kind": Correction.Kind(note["kind"]),
                    "created_at": article.published_at + timedelta(hours=note["hours"]),
                },
            )
            added += is_new
        self.stdout.write(f"Corrections: {added} added.")


def library_picture(filename, render, *, by=None, **words):
    """The media library's picture uploaded as `filename`, drawn and added if not there yet,
    with its renditions made at once (the demo does not wait for a worker)."""
    image = Image.objects.filter(original_name=filename).order_by("pk").first()
    if image is None:
        image = Image(file=ContentFile(render(), name=filename), uploaded_by=by, **words)
        image.save()
    if not image.renditions:
        renditions.rebuild_now(image)
    return image

"""Fill the database with a demo newsroom, and optionally a large archive for benchmarks."""

import os
import random
import secrets
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from multiprocessing import get_all_start_methods, get_context
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, connections, reset_queries, transaction
from django.db.models import F, Q, Value
from django.utils import timezone
from django.utils.text import slugify

from articles import demo, roles
from articles.models import (
    Article,
    Byline,
    Section,
    Tag,
    plain_text,
    rank_vector,
    search_vector,
)
from authors.models import Author
from newsroom.sanitize import clean_article_html

# Every generated name, number and picture follows from this seed, so a second run finds the
# rows of the first by their slugs. Changing it would add a second, different set of articles.
SEED = 1848
EDITOR_USERNAME = "editor"
ARCHIVE_PREFIX = "archive-story-"
# Distinct stories the archive cycles through: enough for varied search results, few enough
# to sanitize each body once.
ARCHIVE_STORIES = 240
ARCHIVE_IMAGES = 12
ARCHIVE_CREDIT = "Illustration: Newsroom graphics desk"
# The archive lies before the demo's four weeks, so the front page still shows the demo.
ARCHIVE_NEWEST = timedelta(days=28)
ARCHIVE_SPAN = timedelta(days=3 * 365)
TagLink = Article.tags.through


class Command(BaseCommand):
    help = (
        "Build a demo newsroom: 7 sections, 9 authors with portraits, tags, and 66 articles "
        "with illustrations (60 published over the last four weeks, 3 drafts, 3 scheduled), "
        "plus an editor 'editor' whose password is kept in var/demo-editor-password. "
        "Running it again changes nothing that exists and duplicates nothing. "
        "With --articles N it also bulk-loads N archive articles for benchmarks."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--articles",
            type=int,
            default=0,
            metavar="N",
            help="Also make sure N archive articles exist (slugs archive-story-000001 and so "
            "on, published over the last three years), adding only the missing ones. Fast: "
            "bulk inserts, no save() per article.",
        )
        parser.add_argument(
            "--batch-size",
            type=int,
            default=2000,
            metavar="SIZE",
            help="Archive articles per insert and transaction (default: 2000).",
        )
        parser.add_argument(
            "--workers",
            type=int,
            default=min(4, os.cpu_count() or 1),
            metavar="N",
            help="Processes loading the archive in parallel on PostgreSQL (default: one per "
            "CPU, at most 4). SQLite always uses one.",
        )

    def handle(self, *args, articles, batch_size, workers, **options):
        if articles < 0 or batch_size < 1 or workers < 1:
            raise CommandError(
                "--articles must be 0 or more, --batch-size and --workers at least 1."
            )
        started = time.monotonic()
        editor, password = self.ensure_editor()
        sections, tags, authors = self.seed_catalogue()
        demo_slugs = self.seed_articles(sections, tags, authors, editor)
        self.stdout.write(f"Demo content ready ({time.monotonic() - started:.1f}s).")
        if articles:
            self.seed_archive(articles, batch_size, workers, demo_slugs, sections, tags, authors)

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
        groups = roles.setup_roles()
        user.groups.add(groups[roles.EDITOR], groups[roles.COMMENT_MODERATOR])
        return user, password

    @transaction.atomic
    def seed_catalogue(self):
        """Sections, tags and authors, keyed by slug. Their texts follow articles/demo.py."""
        sections = {}
        for position, (name, slug, description) in enumerate(demo.SECTIONS, start=1):
            sections[slug], _ = Section.objects.update_or_create(
                slug=slug,
                # Gaps of ten leave room to slot a new section in between.
                defaults={"name": name, "description": description, "position": position * 10},
            )
        tags = {}
        for name in demo.TAGS:
            tags[slugify(name)], _ = Tag.objects.update_or_create(
                slug=slugify(name), defaults={"name": name}
            )
        authors = {}
        for spec in demo.AUTHORS:
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
            render = partial(demo.render_portrait, spec.name, spec.colour)
            if not spec.is_agency and attach_image(author, "photo", f"{spec.slug}.jpg", render):
                author.save()
            authors[spec.slug] = author
        return sections, tags, authors

    def seed_articles(self, sections, tags, authors, editor):
        """The demo articles; existing ones (found by slug) are left exactly as they are."""
        specs = demo.demo_articles(SEED, timezone.now())
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
                        "hero_alt": demo.hero_alt(spec.image_seed),
                        "hero_caption": story.hero_caption,
                        "hero_credit": spec.hero_credit,
                        "created_by": editor,
                    },
                )
                if not is_new:
                    continue
                Byline.objects.bulk_create(
                    Byline(article=article, author=authors[slug], position=position)
                    for position, slug in enumerate(spec.authors)
                )
                article.tags.set([tags[slug] for slug in spec.tags])
                render = partial(demo.render_hero, spec.image_seed)
                if attach_image(article, "hero_image", f"demo-{spec.slug}.jpg", render):
                    article.save()
                created += 1
        self.stdout.write(
            f"Demo articles: {created} created, {len(specs) - created} already there."
        )
        return [spec.slug for spec in specs]

    def seed_archive(self, total, batch_size, workers, demo_slugs, sections, tags, authors):
        """Bulk-load archive articles numbered 1..total, skipping the numbers that exist."""
        started = time.monotonic()
        existing = set(
            Article.objects.filter(slug__startswith=ARCHIVE_PREFIX).values_list("slug", flat=True)
        )
        missing = [n for n in range(1, total + 1) if archive_slug(n) not in existing]
        if not missing:
            self.stdout.write(f"Archive: all {total:,} articles already there.")
            return
        loader = ArchiveLoader(
            stories=archive_stories(sections["world"]),
            images=archive_images(demo_slugs),
            now=timezone.now(),
            section_ids={slug: section.pk for slug, section in sections.items()},
            tag_ids={slug: tag.pk for slug, tag in tags.items()},
            author_ids={slug: author.pk for slug, author in authors.items()},
        )
        batches = [missing[i : i + batch_size] for i in range(0, len(missing), batch_size)]
        # Building and compiling the INSERTs keeps one CPU busy while the database waits, so
        # on PostgreSQL batches go to forked worker processes, one per CPU. SQLite has a
        # single writer; more processes would only queue for its lock.
        if connection.vendor != "postgresql" or "fork" not in get_all_start_methods():
            workers = 1
        workers = min(workers, len(batches))
        self.stdout.write(
            f"Archive: adding {len(missing):,} of {total:,} articles in {len(batches)} "
            f"batch(es), {workers} process(es)."
        )
        done = 0
        if workers > 1:
            connections.close_all()  # each process must open its own connection
            # Children flush what they inherit from the stdout buffer when they exit.
            self.stdout.flush()
            context = get_context("fork")
            with ProcessPoolExecutor(workers, mp_context=context) as pool:
                for count in pool.map(loader.insert_in_worker, batches):
                    done += count
                    self.progress(done, len(missing), started)
        else:
            for batch in batches:
                done += loader.insert(batch)
                self.progress(done, len(missing), started)

        if connection.vendor == "postgresql":
            # The vectors came with the rows; this fills any that did not (none, normally).
            filled = Article.objects.filter(
                Q(search_vector__isnull=True) | Q(rank_vector__isnull=True)
            ).update(search_vector=search_vector(), rank_vector=rank_vector())
            self.stdout.write(f"  search vectors: {filled:,} filled afterwards")
            # Fresh planner statistics, so that benchmarks run right after the load do not
            # measure plans made for an almost empty table.
            tables = [Article._meta.db_table, Byline._meta.db_table, TagLink._meta.db_table]
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE " + ", ".join(map(connection.ops.quote_name, tables)))
        self.stdout.write(f"Archive ready ({time.monotonic() - started:.1f}s).")

    def progress(self, done, total, started):
        self.stdout.write(
            f"  {done:,}/{total:,} archive articles ({time.monotonic() - started:.1f}s)"
        )
        self.stdout.flush()


@dataclass
class ArchiveLoader:
    """Everything a batch of archive articles is made from; picklable for worker processes."""

    stories: list
    images: list
    now: datetime
    section_ids: dict
    tag_ids: dict
    author_ids: dict

    def insert(self, numbers):
        """Insert the archive articles with these numbers, in one transaction."""
        articles, bylines, tags = [], [], []
        for number in numbers:
            # Seeded by the number, so an article is the same whichever run adds it.
            rng = random.Random(f"{SEED}-archive-{number}")
            story, body, text, words, vectors = self.stories[rng.randrange(len(self.stories))]
            published_at = self.now - ARCHIVE_NEWEST - rng.random() * ARCHIVE_SPAN
            image, width, height, alt, renditions = (
                self.images[number % len(self.images)] if self.images else ("", None, None, "", {})
            )
            articles.append(
                Article(
                    slug=archive_slug(number),
                    headline=story.headline,
                    standfirst=story.standfirst,
                    body=body,
                    body_text=text,
                    word_count=words,
                    search_vector=vectors[0],
                    rank_vector=vectors[1],
                    source=story.source,
                    section_id=self.section_ids[story.section],
                    status=Article.Status.PUBLISHED,
                    published_at=published_at,
                    first_published_at=published_at,
                    hero_image=image,
                    hero_width=width,
                    hero_height=height,
                    hero_alt=alt,
                    hero_renditions=renditions,
                    hero_caption=story.hero_caption if image else "",
                    hero_credit=ARCHIVE_CREDIT if image else "",
                )
            )
            bylines.append(demo.pick_bylines(story, rng))
            tags.append(demo.pick_tags(story, rng))

        with transaction.atomic():
            Article.objects.bulk_create(articles)
            if articles[0].pk is None:
                # A database that cannot return the new keys from a bulk insert.
                ids = dict(
                    Article.objects.filter(slug__in=[a.slug for a in articles]).values_list(
                        "slug", "pk"
                    )
                )
                for article in articles:
                    article.pk = ids[article.slug]
            Byline.objects.bulk_create(
                Byline(article_id=article.pk, author_id=self.author_ids[slug], position=position)
                for article, slugs in zip(articles, bylines, strict=True)
                for position, slug in enumerate(slugs)
            )
            TagLink.objects.bulk_create(
                TagLink(article_id=article.pk, tag_id=self.tag_ids[slug])
                for article, slugs in zip(articles, tags, strict=True)
                for slug in slugs
            )
        # With DEBUG on, Django keeps every query, parameters and all, in memory.
        reset_queries()
        return len(numbers)

    def insert_in_worker(self, numbers):
        try:
            return self.insert(numbers)
        finally:
            connection.close()  # rather than leave it to the process's exit


def archive_stories(any_section):
    """The archive's distinct stories with everything Article.save() would compute for them:
    (story, clean body, body text, word count, search vector).

    bulk_create() skips save(), so this is done here, once per story rather than once per
    article. On PostgreSQL the search vector is computed by the database with the model's own
    expression, its columns swapped for the story's values, and then stored with every copy:
    an UPDATE computing it row by row, and rewriting every row, doubles the time of the load.
    """
    stories = []
    for story in demo.archive_stories(SEED, ARCHIVE_STORIES):
        body = clean_article_html(story.body)
        text = plain_text(body)
        vectors = (None, None)
        if connection.vendor == "postgresql":
            values = {
                F("headline"): Value(story.headline),
                F("standfirst"): Value(story.standfirst),
                F("body_text"): Value(text),
            }
            # Evaluated against a single row of some table: the expression needs a FROM.
            vectors = (
                Section.objects.filter(pk=any_section.pk)
                .values_list(
                    search_vector().replace_expressions(values),
                    rank_vector().replace_expressions(values),
                )
                .get()
            )
        stories.append((story, body, text, len(text.split()), vectors))
    return stories


def archive_images(demo_slugs):
    """(name, width, height, alt, renditions) of demo illustrations for the archive to share."""
    rows = (
        Article.objects.filter(slug__in=demo_slugs)
        .exclude(hero_image="")
        .order_by("slug")
        .values_list("hero_image", "hero_width", "hero_height", "hero_alt", "hero_renditions")[
            :ARCHIVE_IMAGES
        ]
    )
    # The dimensions must be set: without them ImageField opens the file for every instance.
    # Demo illustrations are all HERO_SIZE; older rows may lack the numbers.
    return [
        (name, width or demo.HERO_SIZE[0], height or demo.HERO_SIZE[1], alt, renditions)
        for name, width, height, alt, renditions in rows
    ]


def archive_slug(number):
    return f"{ARCHIVE_PREFIX}{number:06d}"


def attach_image(instance, field_name, filename, render):
    """Give `instance` a generated image in its ImageField unless it has one already.

    The file name is deterministic, so a file left by an earlier run (say, before the
    database was reset) is reused rather than drawn again. Returns True if the field changed.
    """
    file = getattr(instance, field_name)
    if file:
        return False
    name = file.field.generate_filename(instance, filename)
    if file.storage.exists(name):
        setattr(instance, field_name, name)  # ImageField reads the dimensions from the file
    else:
        # Named, because Django reads the dimensions from this object, and treats a file
        # without a name as no file at all.
        file.save(filename, ContentFile(render(), name=filename), save=False)
    return True

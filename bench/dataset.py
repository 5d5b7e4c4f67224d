"""The benchmarks' scaled newsroom: the demo newsroom plus an archive of N articles.

    .venv/bin/python bench/dataset.py --articles 100000

Archive articles get slugs archive-story-000001 and so on and are published over the three
years before the demo's four weeks, so the front page still shows the demo. Only the missing
numbers are added, so a second run changes nothing. Fast: bulk inserts, no save() per article,
and on PostgreSQL one forked process per CPU (at most 4). The settings come from the
environment, as for manage.py; the demo app is switched on for the run (DEMO=true).
"""

import argparse
import os
import random
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta
from multiprocessing import get_all_start_methods, get_context
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Every archive article follows from this seed and its number.
SEED = 1848
ARCHIVE_PREFIX = "archive-story-"
# Distinct stories the archive cycles through: enough for varied search results, few enough
# to sanitize each body once.
ARCHIVE_STORIES = 240
ARCHIVE_IMAGES = 12
ARCHIVE_CREDIT = "Illustration: Newsroom graphics desk"
ARCHIVE_NEWEST = timedelta(days=28)
ARCHIVE_SPAN = timedelta(days=3 * 365)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--articles", type=int, required=True, metavar="N", help="Archive articles wanted."
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
    args = parser.parse_args(argv)
    if args.articles < 0 or args.batch_size < 1 or args.workers < 1:
        parser.error("--articles must be 0 or more, --batch-size and --workers at least 1.")

    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
    # The demo newsroom's commands, whatever DEBUG says: the archive builds on the demo.
    os.environ["DEMO"] = "true"
    import django
    from django.core.management import call_command

    django.setup()
    call_command("seed_demo")
    load_archive(args.articles, batch_size=args.batch_size, workers=args.workers)


def load_archive(total, *, batch_size=2000, workers=1, stdout=sys.stdout):
    """Bulk-load archive articles numbered 1..total, skipping the numbers that exist.

    Needs the demo newsroom's sections, tags and authors (`manage.py seed_demo`).
    """
    from django.db import connection, connections
    from django.utils import timezone

    from articles.models import Article, Section, Tag
    from authors.models import Author

    if total < 0 or batch_size < 1 or workers < 1:
        raise ValueError("total must be 0 or more, batch_size and workers at least 1.")
    started = time.monotonic()
    sections = {section.slug: section for section in Section.objects.all()}
    if "world" not in sections:
        raise RuntimeError("The archive builds on the demo newsroom: run seed_demo first.")
    existing = set(
        Article.objects.filter(slug__startswith=ARCHIVE_PREFIX).values_list("slug", flat=True)
    )
    missing = [n for n in range(1, total + 1) if archive_slug(n) not in existing]
    if not missing:
        print(f"Archive: all {total:,} articles already there.", file=stdout)
        return 0
    loader = ArchiveLoader(
        stories=archive_stories(sections["world"]),
        images=archive_images(),
        now=timezone.now(),
        section_ids={slug: section.pk for slug, section in sections.items()},
        tag_ids=dict(Tag.objects.values_list("slug", "pk")),
        author_ids=dict(Author.objects.values_list("slug", "pk")),
    )
    batches = [missing[i : i + batch_size] for i in range(0, len(missing), batch_size)]
    # Building and compiling the INSERTs keeps one CPU busy while the database waits, so
    # on PostgreSQL batches go to forked worker processes, one per CPU. SQLite has a
    # single writer; more processes would only queue for its lock.
    if connection.vendor != "postgresql" or "fork" not in get_all_start_methods():
        workers = 1
    workers = min(workers, len(batches))
    print(
        f"Archive: adding {len(missing):,} of {total:,} articles in {len(batches)} "
        f"batch(es), {workers} process(es).",
        file=stdout,
    )

    def progress(done):
        print(
            f"  {done:,}/{len(missing):,} archive articles ({time.monotonic() - started:.1f}s)",
            file=stdout,
            flush=True,
        )

    done = 0
    if workers > 1:
        connections.close_all()  # each process must open its own connection
        # Children flush what they inherit from the stdout buffer when they exit.
        stdout.flush()
        with ProcessPoolExecutor(workers, mp_context=get_context("fork")) as pool:
            for count in pool.map(loader.insert_in_worker, batches):
                done += count
                progress(done)
    else:
        for batch in batches:
            done += loader.insert(batch)
            progress(done)

    if connection.vendor == "postgresql":
        analyze(stdout)
    print(f"Archive ready ({time.monotonic() - started:.1f}s).", file=stdout)
    return done


def analyze(stdout):
    from django.db import connection
    from django.db.models import Q

    from articles.models import Article, Byline, rank_vector, search_vector

    # The vectors came with the rows; this fills any that did not (none, normally).
    filled = Article.objects.filter(
        Q(search_vector__isnull=True) | Q(rank_vector__isnull=True)
    ).update(search_vector=search_vector(), rank_vector=rank_vector())
    print(f"  search vectors: {filled:,} filled afterwards", file=stdout)
    # Fresh planner statistics, so that benchmarks run right after the load do not
    # measure plans made for an almost empty table.
    tables = [Article._meta.db_table, Byline._meta.db_table, Article.tags.through._meta.db_table]
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE " + ", ".join(map(connection.ops.quote_name, tables)))


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
        from django.db import reset_queries, transaction

        from articles.models import Article, Byline
        from demo.newsroom import pick_bylines, pick_tags

        tag_link = Article.tags.through
        articles, bylines, tags = [], [], []
        for number in numbers:
            # Seeded by the number, so an article is the same whichever run adds it.
            rng = random.Random(f"{SEED}-archive-{number}")
            story, body, text, words, vectors = self.stories[rng.randrange(len(self.stories))]
            published_at = self.now - ARCHIVE_NEWEST - rng.random() * ARCHIVE_SPAN
            hero_id, alt = self.images[number % len(self.images)] if self.images else (None, "")
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
                    hero_id=hero_id,
                    hero_alt=alt,
                    hero_caption=story.hero_caption if hero_id else "",
                    hero_credit=ARCHIVE_CREDIT if hero_id else "",
                )
            )
            bylines.append(pick_bylines(story, rng))
            tags.append(pick_tags(story, rng))

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
            tag_link.objects.bulk_create(
                tag_link(article_id=article.pk, tag_id=self.tag_ids[slug])
                for article, slugs in zip(articles, tags, strict=True)
                for slug in slugs
            )
        # With DEBUG on, Django keeps every query, parameters and all, in memory.
        reset_queries()
        return len(numbers)

    def insert_in_worker(self, numbers):
        from django.db import connection

        try:
            return self.insert(numbers)
        finally:
            connection.close()  # rather than leave it to the process's exit


def archive_stories(any_section):
    """The archive's distinct stories with everything Article.save() would compute for them:
    (story, clean body, body text, word count, search vectors).

    bulk_create() skips save(), so this is done here, once per story rather than once per
    article. On PostgreSQL the search vector is computed by the database with the model's own
    expression, its columns swapped for the story's values, and then stored with every copy:
    an UPDATE computing it row by row, and rewriting every row, doubles the time of the load.
    """
    from django.db import connection
    from django.db.models import F, Value

    from articles.models import Section, plain_text, rank_vector, search_vector
    from demo import newsroom
    from newsroom.sanitize import clean_article_html

    stories = []
    for story in newsroom.archive_stories(SEED, ARCHIVE_STORIES):
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


def archive_images():
    """(library image id, alt text) of the demo's public heroes, for the archive to share.

    Shared by key: the archive adds no pictures, so it is as fast to load as without them,
    and its stories show pictures that are public already.
    """
    from articles.models import Article

    return list(
        Article.objects.exclude(slug__startswith=ARCHIVE_PREFIX)
        .filter(hero__isnull=False, hero__is_public=True)
        .order_by("slug")
        .values_list("hero_id", "hero_alt")[:ARCHIVE_IMAGES]
    )


def archive_slug(number):
    return f"{ARCHIVE_PREFIX}{number:06d}"


if __name__ == "__main__":
    main()

"""Time `comments_privacy purge`, `export` and `erase` on a large comments table in PostgreSQL.

    .venv/bin/python bench/privacy.py                          # 100,000 comments, 3 rounds
    .venv/bin/python bench/privacy.py --comments 1000000 --rounds 1

Each round empties the comments and loads a fresh table in one INSERT ... generate_series:
comments spread over 90 days (80% published, 10% spam, 4% removed, 2% withdrawn, 2% waiting,
2% never confirmed), every one still holding an IP address and a browser, as if the purge had
never run: the worst case. Then it times, through the management command:
  - the first purge (clears about two thirds of the IP addresses, deletes the old rejected
    and unconfirmed comments), in batches of COMMENTS_PURGE_BATCH rows;
  - a second purge right after, which finds nothing: what an hourly run costs on a site that
    runs it every hour;
  - export and erase of a commenter with 200 comments.
Reports the median of the rounds, and the plans PostgreSQL picks for the purge's lookups.
Uses its own database (created if missing); only 127.0.0.1 is contacted.
"""

import argparse
import io
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
# After the project: bench/comments.py must not hide the comments app.
sys.path.append(str(ROOT / "bench"))

from run import create_database  # noqa: E402

DEFAULT_DATABASE = "postgres://postgres@127.0.0.1:5432/newsroom_cm_bench"
HEAVY = "frequent.commenter@example.org"

LOAD = """
INSERT INTO comments_comment (article_id, depth, author_name, author_email, author_url, body,
    body_html, status, created_at, ip_address, user_agent, notify_replies, flag_count,
    is_staff_reply)
SELECT %(first_article)s + (n %% %(articles)s), 1, 'Reader ' || (n %% 20000),
    CASE WHEN n %% 500 = 0 THEN %(heavy)s ELSE 'reader' || (n %% 20000) || '@example.org' END,
    '', 'Comment number ' || n || ' about the harbour plan and the ferry timetable.', '',
    CASE WHEN n %% 50 < 40 THEN 'approved' WHEN n %% 50 < 45 THEN 'spam'
         WHEN n %% 50 < 47 THEN 'removed' WHEN n %% 50 = 47 THEN 'withdrawn'
         WHEN n %% 50 = 48 THEN 'pending' ELSE 'unconfirmed' END,
    now() - (n %% 90) * interval '1 day' - (n %% 1440) * interval '1 minute',
    ('198.51.' || (n %% 250) || '.' || (n %% 200 + 1))::inet,
    'Mozilla/5.0 (X11; Linux x86_64) Bench/1.0', n %% 7 = 0, 0, false
FROM generate_series(1, %(count)s) AS n
"""


def setup(database_url):
    os.environ.update(
        DJANGO_SETTINGS_MODULE="newsroom.settings",
        DEBUG="false",
        SECRET_KEY="bench-only-secret-key-" + "x" * 40,
        DATABASE_URL=database_url,
        ALLOWED_HOSTS="127.0.0.1",
        LOG_LEVEL="ERROR",
        EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend",
    )
    os.environ.pop("REDIS_URL", None)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def articles(count):
    from django.utils import timezone

    from articles.models import Article, Section

    section, _ = Section.objects.get_or_create(slug="bench", defaults={"name": "Bench"})
    existing = list(Article.objects.filter(section=section).order_by("pk"))
    for n in range(len(existing), count):
        existing.append(
            Article.objects.create(
                headline=f"Bench story {n}",
                slug=f"bench-story-{n}",
                standfirst="A story with a long discussion.",
                body="<p>Text.</p>",
                section=section,
                status=Article.Status.PUBLISHED,
                published_at=timezone.now(),
            )
        )
    return existing[0].pk, count


def load(count, article_range):
    from django.db import connection

    first, total = article_range
    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE comments_comment, comments_commentedit, comments_moderationevent, "
            "comments_spentlink"
        )
        cursor.execute(
            LOAD,
            {"first_article": first, "articles": total, "heavy": HEAVY, "count": count},
        )
        cursor.execute("ANALYZE comments_comment")


def timed(*args):
    from django.core.management import call_command

    out = io.StringIO()
    started = time.perf_counter()
    call_command("comments_privacy", *args, stdout=out)
    return time.perf_counter() - started, out.getvalue().strip()


def plans():
    """The plans of the purge's lookups on the table as the hourly run finds it."""
    from django.db import connection
    from django.utils import timezone

    from comments import privacy

    with connection.cursor() as cursor:  # fresh statistics, as autovacuum would leave them
        cursor.execute("ANALYZE comments_comment")
    now = timezone.now()
    lookups = {
        "IP addresses to clear": privacy.holding_ip(now),
        "rejected comments to delete": privacy.rejected(now),
        "unconfirmed comments to delete": privacy.unconfirmed(now),
    }
    return {
        name: queryset.values_list("pk", "article_id")[:5000].explain()
        for name, queryset in lookups.items()
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database", default=DEFAULT_DATABASE)
    parser.add_argument("--comments", type=int, default=100_000)
    parser.add_argument("--articles", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=3)
    options = parser.parse_args()

    create_database(options.database)
    setup(options.database)
    article_range = articles(options.articles)
    times = {"load": [], "purge (first)": [], "purge (again)": [], "export": [], "erase": []}
    for round_number in range(1, options.rounds + 1):
        started = time.perf_counter()
        load(options.comments, article_range)
        times["load"].append(time.perf_counter() - started)
        seconds, report = timed("purge")
        times["purge (first)"].append(seconds)
        print(f"round {round_number}: first purge {seconds:.2f} s: {report}")
        seconds, report = timed("purge")
        times["purge (again)"].append(seconds)
        print(f"round {round_number}: second purge {seconds:.3f} s: {report}")
        seconds, _ = timed("export", "--email", HEAVY, "--output", os.devnull)
        times["export"].append(seconds)
        seconds, report = timed("erase", "--email", HEAVY)
        times["erase"].append(seconds)
        print(f"round {round_number}: {report}")

    print(f"\n{options.comments:,} comments, medians of {options.rounds} round(s):")
    for name, values in times.items():
        print(f"  {name:<15} {statistics.median(values) * 1000:>9.0f} ms")
    print()
    for name, plan in plans().items():
        print(f"Plan, {name}:\n  " + plan.replace("\n", "\n  "))


if __name__ == "__main__":
    main()

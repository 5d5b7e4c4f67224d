"""The drill: a newsroom of 1,000,000 articles and 10,000,000 comments, loaded with COPY.

    make bench-drill                                   # load (once), then measure
    .venv/bin/python bench/drill.py --articles 100000 --comments 1000000   # a smaller drill
    .venv/bin/python bench/drill.py --measure-only     # measure what is already loaded
    .venv/bin/python bench/drill.py --admin-only       # migrate what is loaded, time the admin

Migrates an empty PostgreSQL database (`--database-url`, default `nr_drill`), then COPYs
authors, sections, tags, articles (their search vectors made once per distinct story),
bylines, tag links and threaded comments into the real tables. The secondary indexes are
dropped for the load and built again after it, foreign keys are not checked row by row
(the generator only writes ids that exist), and everything is ANALYZEd at the end.

Then, with the page cache off and gunicorn (2 workers, DEBUG off; with `--redis-url`, the
parts of pages kept in Redis as in production) on 127.0.0.1, it measures
p50/p99 of single requests, one after another, for the reader pages, the sitemaps, the feed
and a comment POST, samples each worker's resident memory through the run, and times the
admin's article list, moderation queue and commenter search for a logged-in editor. The
figures go to bench/results/. Only 127.0.0.1 is contacted.
"""

import datetime
import io
import json
import random
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from run import (  # noqa: E402
    HOST,
    PYTHON,
    RELAX_LIMITS,
    ROOT,
    arguments,
    create_database,
    environment,
    run,
    save_report,
    wait_until_up,
)

PORT = 8261
SEED = 1916
STORIES = 200
WORDS = (
    "council budget harbour ferry school hospital election court river housing rail bridge "
    "police museum library festival market energy water climate tram airport farmers "
    "teachers nurses union strike tax mayor minister parliament vote plan report inquiry "
    "storm flood drought fire heat wind coast island mountain forest city village port "
    "shipyard factory bank rent wages prices fuel bus cycle road tunnel stadium league cup"
).split()
FIRST = "Ada Ben Cleo Dan Eva Finn Gia Hal Ines Joe Kai Lea Max Nia Oto Pia Rui Sol Tom Uma".split()
LAST = "Abara Berg Costa Dahl Egan Faro Grey Holm Ivers Jonas Kato Lund Moss Nash Ortiz".split()
STATUSES = ("approved",) * 90 + ("pending",) * 7 + ("spam",) * 3
# What a production server holding this much data runs with (docs/production.md), set on
# the drill's database alone (ALTER DATABASE), so the server's defaults stay for the others
# on it. shared_buffers takes a restart of the whole server and is not among them.
DATABASE_SETTINGS = {
    # Solid-state storage: a random read costs little more than a sequential one.
    "random_page_cost": "1.1",
    "effective_io_concurrency": "200",
    # A planner hint: how much of the database the OS and PostgreSQL keep in memory.
    "effective_cache_size": "8GB",
    "work_mem": "16MB",
    # Compiling a query to machine code costs tens of milliseconds: more than any reader
    # page's queries take, and the planner's estimates at this size start it for counts.
    "jit": "off",
}


def quote(value):
    """A value in COPY's text format."""
    if value is None:
        return "\\N"
    return (
        str(value)
        .replace("\\", "\\\\")
        .replace("\t", "\\t")
        .replace("\n", "\\n")
        .replace("\r", "\\r")
    )


def copy_rows(cursor, table, columns, rows, chunk=20_000):
    """COPY rows (tuples) into a table, a chunk of lines at a time."""
    with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        buffer = io.StringIO()
        for number, row in enumerate(rows, 1):
            buffer.write("\t".join(map(quote, row)) + "\n")
            if number % chunk == 0:
                copy.write(buffer.getvalue())
                buffer = io.StringIO()
        copy.write(buffer.getvalue())


def stories(cursor, rng):
    """Distinct stories: headline, standfirst, body, its words, and both vectors, made once."""
    made = []
    for number in range(STORIES):
        words = rng.sample(WORDS, 12)
        headline = f"{words[0].title()} {words[1]} talks over {words[2]} and {words[3]}"
        standfirst = f"What the {words[4]} and {words[5]} plans mean for the {words[6]}."
        paragraphs = [
            " ".join(rng.choice(words) for _ in range(40)).capitalize() + "." for _ in range(6)
        ]
        body = "".join(f"<p>{text}</p>" for text in paragraphs)
        body_text = "\n".join(paragraphs)
        cursor.execute(
            "SELECT setweight(to_tsvector('english', %(h)s), 'A')"
            " || setweight(to_tsvector('english', %(s)s), 'B'),"
            " setweight(to_tsvector('english', %(h)s), 'A')"
            " || setweight(to_tsvector('english', %(s)s), 'B')"
            " || setweight(to_tsvector('english', %(b)s), 'C')",
            {"h": headline, "s": standfirst, "b": body_text},
        )
        rank_vector, search_vector = cursor.fetchone()
        made.append((headline, standfirst, body, body_text, len(body_text.split()),
                     str(search_vector), str(rank_vector), number))  # fmt: skip
    return made


def secondary_indexes(cursor, tables):
    """Indexes that back no constraint: dropped for the load, built again after it."""
    cursor.execute(
        "SELECT indexrelid::regclass::text, pg_get_indexdef(indexrelid) FROM pg_index i"
        " WHERE indrelid = ANY(%s::regclass[]) AND NOT EXISTS"
        " (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)",
        [list(tables)],
    )
    return cursor.fetchall()


def load(database_url, *, articles, comments, stdout=sys.stdout):
    import psycopg

    rng = random.Random(SEED)
    now = datetime.datetime.now(datetime.UTC).replace(microsecond=0)
    tables = ("authors_author", "articles_section", "articles_tag", "articles_article",
              "articles_byline", "articles_article_tags", "comments_comment")  # fmt: skip
    started = time.monotonic()
    timings = {}

    def step(name):
        timings[name] = round(time.monotonic() - started, 1)
        print(f"  {name}: {timings[name]} s", file=stdout, flush=True)

    with psycopg.connect(database_url, autocommit=True) as connection:
        cursor = connection.cursor()
        cursor.execute("SELECT count(*) FROM articles_article")
        if cursor.fetchone()[0]:
            raise SystemExit("The drill database already holds articles: drop it to load again.")
        indexes = secondary_indexes(cursor, tables)
        for name, _ in indexes:
            cursor.execute(f"DROP INDEX {name}")
        # Foreign keys are not checked row by row during the load (every id written exists).
        cursor.execute("SET session_replication_role = replica")
        made = stories(cursor, rng)
        authors = max(articles // 200, 10)
        tags = max(articles // 50, 10)
        copy_rows(cursor, "authors_author", ("id", "name", "slug", "job_title", "bio",
                  "x_handle", "mastodon_url", "website", "is_agency", "is_active"),
                  ((n, f"{FIRST[n % 20]} {LAST[n // 20 % 15]} {n}", f"writer-{n}",
                    "Reporter", "", "", "", "", "f", "t")
                   for n in range(1, authors + 1)))  # fmt: skip
        copy_rows(cursor, "articles_section", ("id", "name", "slug", "description", "position"),
                  ((n, f"Section {n}", f"section-{n}", "", n) for n in range(1, 41)))  # fmt: skip
        copy_rows(cursor, "articles_tag", ("id", "name", "slug"),
                  ((n, f"{WORDS[n % len(WORDS)].title()} {n}", f"tag-{n}")
                   for n in range(1, tags + 1)))  # fmt: skip
        step("authors, sections, tags")

        span = 10 * 365 * 86400

        def published(n):
            return now - datetime.timedelta(seconds=3600 + (articles - n) * span // articles)

        def article_rows():
            for n in range(1, articles + 1):
                story = made[n % STORIES]
                at = published(n)
                status = "draft" if n % 97 == 0 else "published"
                yield (n, story[0], f"drill-story-{n:07d}", story[1], story[2], story[3],
                       story[4], "", "", "", "", status, "f",
                       at if status == "published" else None,
                       at if status == "published" else None, at, "t", 1, at, at, story[5],
                       1 + n % 40, f"{n:032x}", story[6])  # fmt: skip

        copy_rows(cursor, "articles_article", ("id", "headline", "slug", "standfirst", "body",
                  "body_text", "word_count", "source", "hero_alt", "hero_caption",
                  "hero_credit", "status", "is_featured", "published_at", "first_published_at",
                  "updated_at", "comments_enabled", "version", "created", "modified",
                  "search_vector", "section_id", "preview_key", "rank_vector"),
                  article_rows())  # fmt: skip
        step("articles")

        def byline_rows():
            number = 0
            for n in range(1, articles + 1):
                first = 1 + (n * 7919) % authors
                for position, author in enumerate({first, 1 + (n * 104729) % authors}):
                    number += 1
                    yield (number, position, n, author)

        copy_rows(cursor, "articles_byline", ("id", "position", "article_id", "author_id"),
                  byline_rows())  # fmt: skip

        def tag_rows():
            number = 0
            for n in range(1, articles + 1):
                for tag in {1 + (n * k) % tags for k in (31, 577, 9973)}:
                    number += 1
                    yield (number, n, tag)

        copy_rows(cursor, "articles_article_tags", ("id", "article_id", "tag_id"), tag_rows())
        step("bylines and tags")

        def comment_rows():
            # One article in a thousand has a long discussion; the rest share what is left.
            busy = max(articles // 1000, 1)
            per_busy = min(comments // 10 // busy, 2000)
            remaining = comments - busy * per_busy
            number = 0
            for n in range(1, articles + 1):
                count = per_busy if n % 1000 == 1 else remaining // (articles - busy)
                if count == 0 or n % 97 == 0:
                    continue
                thread = []
                at = published(n)
                for _ in range(count):
                    number += 1
                    parent = rng.choice(thread) if thread and rng.random() < 0.4 else None
                    depth = 1 if parent is None else min(parent[1] + 1, 3)
                    at += datetime.timedelta(seconds=rng.randint(20, 900))
                    status = STATUSES[number % 100]
                    if status == "approved" and depth < 3:
                        thread.append((number, depth))
                    reader = number * 7 % 400_000
                    body = f"Comment {number} on the {WORDS[number % len(WORDS)]} story."
                    yield (number, depth, f"{FIRST[reader % 20]} {LAST[reader % 15]}",
                           f"reader{reader}@example.org", "", body, f"<p>{body}</p>", status,
                           min(at, now), None, "", None, "f", 0, "f", n,
                           parent[0] if parent else None, "", "")  # fmt: skip

        copy_rows(cursor, "comments_comment", ("id", "depth", "author_name", "author_email",
                  "author_url", "body", "body_html", "status", "created_at", "ip_address",
                  "user_agent", "moderated_at", "notify_replies", "flag_count",
                  "is_staff_reply", "article_id", "parent_id", "held_detail", "held_reason"),
                  comment_rows())  # fmt: skip
        step("comments")
        cursor.execute("SET session_replication_role = DEFAULT")
        for _, definition in indexes:
            cursor.execute(definition)
        step("indexes")
        for table in tables:
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'),"
                f" (SELECT coalesce(max(id), 1) FROM {table}))"
            )
        cursor.execute("VACUUM ANALYZE")
        step("vacuum and analyze")
        cursor.execute("SELECT pg_database_size(current_database())")
        timings["database bytes"] = cursor.fetchone()[0]
    return timings


URLS = (
    RELAX_LIMITS
    + """
import json, random
from django.urls import reverse
from articles.models import Article, Section, Tag
from authors.models import Author
last = Article.objects.order_by("-pk").values_list("pk", flat=True).first()
rng = random.Random(7)
wanted = [rng.randint(1, last) for _ in range(300)] + list(range(1, last, 1000))[:50]
articles = [a.get_absolute_url() for a in Article.objects.public().filter(pk__in=wanted)]
busy = [a.get_absolute_url()
        for a in Article.objects.public().filter(pk__in=range(1, last, 1000))[:40]]
post = [[a.pk, a.get_absolute_url()] for a in Article.objects.public().order_by("-pk")[:5]]
section, tag, author = Section.objects.first(), Tag.objects.first(), Author.objects.first()
print(json.dumps({"articles": articles, "busy": busy, "post": post,
    "section": section.get_absolute_url(), "tag": tag.get_absolute_url(),
    "author": author.get_absolute_url(), "search": reverse("articles:search")}))
"""
)

ADMIN = """
import json, statistics, time
from django.contrib.auth import get_user_model
from django.test import Client
from authors.models import Author
user, _ = get_user_model().objects.get_or_create(username="drill-editor",
    defaults={"is_staff": True, "is_superuser": True})
author = Author.objects.order_by("pk").values_list("pk", flat=True)[100]
client = Client(HTTP_HOST="127.0.0.1")
client.force_login(user)
out = {}
for name, url in [
    ("article list", "/admin/articles/article/"),
    ("article list, a section", "/admin/articles/article/?section__id__exact=3"),
    ("article list, a search", "/admin/articles/article/?q=harbour"),
    ("article list, a two-word search", "/admin/articles/article/?q=council+budget"),
    ("article list, finding an author", "/admin/articles/article/?author_q=Cleo+Dahl"),
    ("article list, one author", f"/admin/articles/article/?author={author}"),
    ("moderation queue", "/admin/comments/comment/"),
    ("all comments", "/admin/comments/comment/?status=all"),
    ("commenter search, email", "/admin/comments/comment/?status=all&q=reader1234%40example.org"),
    ("commenter search, name", "/admin/comments/comment/?status=all&q=Cleo+Dahl"),
    ("staff replies", "/admin/comments/comment/?status=all&is_staff_reply__exact=1"),
]:
    times = []
    for _ in range(5):
        started = time.perf_counter()
        status = client.get(url).status_code
        times.append((time.perf_counter() - started) * 1000)
    out[name] = {"url": url, "status": status, "median_ms": round(statistics.median(times), 1)}
print(json.dumps(out))
"""


def configure(database_url, *, defaults=False):
    """Set DATABASE_SETTINGS on the drill's database (or take them back): new connections
    use them."""
    import psycopg

    name = database_url.rsplit("/", 1)[1]
    with psycopg.connect(database_url, autocommit=True) as connection:
        connection.execute(f'ALTER DATABASE "{name}" RESET ALL')
        if not defaults:
            for setting, value in DATABASE_SETTINGS.items():
                connection.execute(f"ALTER DATABASE \"{name}\" SET {setting} = '{value}'")
    return "server defaults" if defaults else DATABASE_SETTINGS


def load_average():
    return Path("/proc/loadavg").read_text().split()[:3]


def shell(env, script):
    output = run(
        PYTHON, "manage.py", "shell", "-c", script, env=env, capture_output=True, text=True
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * fraction))]


def timed(url, data=None, headers=None):
    request = urllib.request.Request(url, data=data, headers=headers or {})
    started = time.perf_counter()
    with urllib.request.urlopen(request, timeout=60) as response:
        body = response.read()
        status = response.status
    return (time.perf_counter() - started) * 1000, status, body


def workers_of(master):
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    return [int(pid) for pid in children]


def sample_memory(master, peaks, stop):
    while not stop.is_set():
        for pid in workers_of(master):
            try:
                for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                    if line.startswith("VmRSS:"):
                        peaks[pid] = max(peaks.get(pid, 0), int(line.split()[1]) // 1024)
            except OSError:
                pass
        stop.wait(0.5)


def measure(env, base, urls, requests, rounds):
    """p50/p99 in ms of single requests, one after another, for each page."""
    rng = random.Random(3)
    deep = 500
    pages = {
        "article (random)": [base + rng.choice(urls["articles"]) for _ in range(requests)],
        "article (long discussion)": [base + rng.choice(urls["busy"]) for _ in range(requests)],
        "front page": [base + "/"] * requests,
        "section, first page": [base + urls["section"]] * requests,
        f"section, page {deep}": [base + urls["section"] + f"?page={deep}"] * requests,
        "tag, first page": [base + urls["tag"]] * requests,
        "author, first page": [base + urls["author"]] * requests,
        "search (council budget)": [base + urls["search"] + "?q=council+budget"] * requests,
        "sitemap index": [base + "/sitemap.xml"] * requests,
        "news sitemap": [base + "/news-sitemap.xml"] * requests,
        "feed": [base + "/rss.xml"] * requests,
    }
    _, _, index = timed(base + "/sitemap.xml")
    found = index.decode().split("<loc>")[1:]
    if found:
        page = found[len(found) // 2].split("</loc>")[0].replace(env["SITE_URL"], base)
        pages["sitemap page"] = [page] * requests
    # The pages take turns, a slice of each page's requests per round, so that a burst of
    # load from elsewhere on the machine falls on every page alike rather than on one.
    times = {name: [] for name in pages}
    statuses = {name: set() for name in pages}
    for round_number in range(rounds):
        for name, targets in pages.items():
            share = len(targets) // rounds
            last = round_number == rounds - 1
            for url in targets[round_number * share : None if last else (round_number + 1) * share]:
                try:
                    elapsed, status, _ = timed(url)
                except urllib.error.HTTPError as error:
                    elapsed, status = 0.0, error.code
                times[name].append(elapsed)
                statuses[name].add(status)
    figures = {}
    for name in pages:
        figures[name] = (percentile(times[name], 0.5), percentile(times[name], 0.99),
                         sorted(statuses[name]))  # fmt: skip
        print(f"    {name:<28} p50 {figures[name][0]:7.1f} ms   p99 {figures[name][1]:7.1f} ms"
              f"   {figures[name][2]}", flush=True)  # fmt: skip
    times, statuses = [], set()
    token = __import__("re").compile(r'name="token" value="([^"]+)"')
    # Each run posts comments of its own: a second run on the same database would otherwise
    # post the first run's again, which the duplicate check refuses (409).
    run = f"{time.time():.0f}"
    for number in range(requests // 2):
        pk, url = urls["post"][number % len(urls["post"])]
        _, _, page = timed(base + url)
        data = urllib.parse.urlencode({
            "author_name": "Drill reader", "author_email": f"drill{number}-{run}@example.org",
            "body": f"Drill comment {number} of run {run}: the ferry timetable needs a rethink.",
            "token": token.search(page.decode())[1],
        }).encode()  # fmt: skip
        try:
            headers = {"Origin": base, "Sec-Fetch-Site": "same-origin"}
            elapsed, status, _ = timed(f"{base}/comments/post/{pk}/", data, headers)
        except urllib.error.HTTPError as error:
            elapsed, status = 0.0, error.code
        times.append(elapsed)
        statuses.add(status)
    figures["comment POST"] = (percentile(times, 0.5), percentile(times, 0.99), sorted(statuses))
    print(f"    comment POST                 p50 {figures['comment POST'][0]:7.1f} ms   "
          f"p99 {figures['comment POST'][1]:7.1f} ms   {sorted(statuses)}")  # fmt: skip
    return figures


def time_admin(env):
    print("==> Admin, logged in (test client, median of 5)")
    # The admin's own pages are measured, not the second factor of its login.
    admin = shell({**env, "REQUIRE_2FA": "false"}, ADMIN)
    for name, figure in admin.items():
        print(f"    {name:<34} {figure['median_ms']:7.1f} ms   {figure['status']}")
    return admin


def main():
    args = arguments(
        __doc__.splitlines()[0],
        duration=0,
        extra=[
            (("--comments",), {"type": int, "default": 10_000_000}),
            (("--requests",), {"type": int, "default": 200, "help": "requests per page"}),
            (("--measure-only",), {"action": "store_true"}),
            (("--admin-only",), {"action": "store_true", "help": "migrate, then time the admin"}),
            (
                ("--redis-url",),
                {
                    "help": "keep the parts of pages in this Redis database, shared by the "
                    "workers as in production (emptied first); without it each worker keeps "
                    "its own in memory",
                },
            ),
            (
                ("--default-settings",),
                {
                    "action": "store_true",
                    "help": "measure with the server's settings, not DATABASE_SETTINGS",
                },
            ),
        ],
    )
    if "--articles" not in sys.argv:
        args.articles = 1_000_000
    if "--database-url" not in sys.argv:
        args.database_url = "postgres://postgres@127.0.0.1:5432/nr_drill"
    env = environment(args.database_url)
    env["SITE_URL"] = f"http://{HOST}:{PORT}"
    report = [f"Drill, {datetime.date.today().isoformat()}: {args.database_url.rsplit('/', 1)[1]}"]
    if args.redis_url:
        # Emptied, so that each page's first render is still measured, once for both workers.
        run("redis-cli", "-u", args.redis_url, "flushdb", env=env, stdout=subprocess.DEVNULL)
        env["REDIS_URL"] = args.redis_url
    kept = args.redis_url or "in each worker's memory"
    report.append(f"Kept parts of pages: {kept}")
    if not (args.measure_only or args.admin_only):
        create_database(args.database_url)
        print(f"==> Migrating and loading {args.articles:,} articles, {args.comments:,} comments")
        run(PYTHON, "manage.py", "migrate", "--verbosity", "0", env=env)
        timings = load(args.database_url, articles=args.articles, comments=args.comments)
        report.append(f"Load: {json.dumps(timings)}")
    else:
        # What is loaded, brought to this code's migrations (indexes built concurrently).
        run(PYTHON, "manage.py", "migrate", "--verbosity", "1", env=env)
    settings = configure(args.database_url, defaults=args.default_settings)
    report.append(f"Database settings: {json.dumps(settings)}")
    report.append(f"Load average before: {' '.join(load_average())}")
    run(PYTHON, "manage.py", "collectstatic", "--noinput", "--verbosity", "0", env=env)
    admin = time_admin(env)
    if args.admin_only:
        return
    urls = shell(env, URLS)
    print(f"==> gunicorn, 2 workers, page cache off, on {HOST}:{PORT}")
    server = subprocess.Popen(
        [PYTHON, "-m", "gunicorn", "newsroom.wsgi", "--bind", f"{HOST}:{PORT}",
         "--workers", "2", "--log-level", "warning",
         "--control-socket", str(ROOT / "var" / "drill-gunicorn.ctl")],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, start_new_session=True,
    )  # fmt: skip
    peaks, stop = {}, threading.Event()
    try:
        base = f"http://{HOST}:{PORT}"
        wait_until_up(base + "/robots.txt", timeout=120)
        sampler = threading.Thread(target=sample_memory, args=(server.pid, peaks, stop))
        sampler.start()
        figures = measure(env, base, urls, args.requests, max(args.rounds, 1))
    finally:
        stop.set()
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    report.append(f"Load average after: {' '.join(load_average())}")
    report += ["", f"{args.requests} requests a page in {args.rounds} rounds", "",
               "| page | p50 | p99 | statuses |", "| --- | ---: | ---: | --- |"]  # fmt: skip
    for name, (p50, p99, statuses) in figures.items():
        report.append(f"| {name} | {p50:.1f} ms | {p99:.1f} ms | {statuses} |")
    report += ["", f"Worker peak RSS (MB): {sorted(peaks.values())}", "",
               "| admin page | median |", "| --- | ---: |"]  # fmt: skip
    for name, figure in admin.items():
        report.append(f"| {name} | {figure['median_ms']:.0f} ms |")
    save_report(report, "drill")


if __name__ == "__main__":
    main()

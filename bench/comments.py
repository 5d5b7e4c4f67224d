"""Post comments concurrently against gunicorn on PostgreSQL, then check none was lost or doubled.

    .venv/bin/python bench/comments.py                   # 32 clients for 60 s
    .venv/bin/python bench/comments.py --clients 8 --duration 10

Loads the demo newsroom, relaxes the flood limits for the run (through DiscussionSettings,
as an editor would), and has each client post unique comments as fast as the server takes
them, with a fresh same-origin form each time it is refused. Reports accepted comments per
second and p50/p99 latency of the posts, then checks that every accepted comment is in the
database exactly once. Also reports the median time of the article page with 50 approved
comments, next to the same page with none, one request at a time. Only 127.0.0.1 is contacted.
"""

import argparse
import datetime
import json
import os
import re
import signal
import statistics
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
    create_database,
    environment,
    run,
    save_report,
    wait_until_up,
)

PORT = 8101
BASE = f"http://{HOST}:{PORT}"
TOKEN = re.compile(r'name="token" value="([^"]+)"')

PREPARE = (
    RELAX_LIMITS
    + """
import json
from comments.models import Comment
from articles.models import Article
from newsroom.sanitize import render_comment_text
articles = list(Article.objects.public().newest_first()[:6])
for article in articles:
    article.comments_enabled = True
    article.comments_close_at = None
    article.save()
busy, quiet = articles[0], articles[1]
Comment.objects.filter(article__in=[busy, quiet]).delete()
thread = [
    Comment(article=busy, author_name=f"Reader {n}", author_email=f"reader{n}@example.org",
            body=f"An approved comment, number {n}, about the harbour plan: "
                 "https://example.org/harbour\\n\\nA second paragraph.",
            status="approved", depth=1)
    for n in range(50)
]
for comment in thread:
    comment.body_html = str(render_comment_text(comment.body))  # what save() stores
Comment.objects.bulk_create(thread)
print(json.dumps({
    "targets": [[a.pk, a.get_absolute_url()] for a in articles[2:]],
    "busy": busy.get_absolute_url(),
    "quiet": quiet.get_absolute_url(),
}))
"""
)

CHECK = """
import json, sys
from collections import Counter
from comments.models import Comment
bodies = json.load(open(sys.argv[-1]))
counts = Counter(Comment.objects.filter(body__startswith="bench ").values_list("body", flat=True))
print(json.dumps({
    "accepted": len(bodies),
    "missing": sum(1 for b in bodies if counts[b] == 0),
    "doubled": sum(1 for b in bodies if counts[b] > 1),
    "stored": sum(counts.values()),
}))
"""


def shell(env, script, *args):
    path = ROOT / "var" / "bench-script.py"
    path.parent.mkdir(exist_ok=True)
    path.write_text(script)
    output = run(
        PYTHON, "manage.py", "shell", "-c", f"import sys; sys.argv += {list(args)!r}; "
        f"exec(open({str(path)!r}).read())",
        env=env, capture_output=True, text=True,
    ).stdout  # fmt: skip
    return json.loads(output.strip().splitlines()[-1])


def fetch_token(url):
    with urllib.request.urlopen(BASE + url, timeout=30) as response:
        return TOKEN.search(response.read().decode())[1]


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def client(number, targets, deadline, results, lock):
    opener = urllib.request.build_opener(NoRedirect)
    tokens = {pk: fetch_token(url) for pk, url in targets}
    sequence = 0
    while time.monotonic() < deadline:
        pk, _ = targets[sequence % len(targets)]
        body = f"bench {number}-{sequence}: the ferry timetable needs a rethink."
        data = urllib.parse.urlencode(
            {
                "author_name": f"Bench reader {number}",
                "author_email": f"bench{number}@example.org",
                "body": body,
                "token": tokens[pk],
            }
        ).encode()
        request = urllib.request.Request(
            f"{BASE}/comments/post/{pk}/",
            data=data,
            headers={"Origin": BASE, "Sec-Fetch-Site": "same-origin"},
        )
        started = time.perf_counter()
        try:
            status = opener.open(request, timeout=60).status
        except urllib.error.HTTPError as error:
            status = error.code
        except OSError:
            status = 0
        elapsed = (time.perf_counter() - started) * 1000
        with lock:
            results.append((status, elapsed, body))
        sequence += 1


def median_page_time(url, requests=40):
    times = []
    for _ in range(requests):
        started = time.perf_counter()
        with urllib.request.urlopen(BASE + url, timeout=30) as response:
            response.read()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * fraction))]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--database-url",
        default=os.environ.get(
            "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/newsroom_comments_bench"
        ),
    )
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--duration", type=int, default=60, help="seconds of posting")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4, help="gunicorn threads per worker")
    args = parser.parse_args()
    if not args.database_url.startswith("postgres"):
        raise SystemExit("The benchmark runs on PostgreSQL: give a postgres:// URL.")

    env = environment(args.database_url)
    env.update(ALLOWED_HOSTS=HOST, SITE_URL=BASE)
    create_database(args.database_url)
    print(f"==> Preparing {args.database_url}")
    run(PYTHON, "manage.py", "migrate", "--verbosity", "0", env=env)
    # The demo app (and its seed_demo command) is installed only when DEMO is on.
    run(PYTHON, "manage.py", "seed_demo", env=dict(env, DEMO="true"), stdout=subprocess.DEVNULL)
    run(PYTHON, "manage.py", "collectstatic", "--noinput", "--verbosity", "0", env=env)
    run(PYTHON, "manage.py", "shell", "-c",
        "from comments.models import Comment; Comment.objects.filter(body__startswith='bench ')"
        ".delete()", env=env)  # fmt: skip
    prepared = shell(env, PREPARE)

    print(f"==> Starting gunicorn ({args.workers} workers x {args.threads} threads)")
    server = subprocess.Popen(
        [
            PYTHON, "-m", "gunicorn", "newsroom.wsgi", "--bind", f"{HOST}:{PORT}",
            "--workers", str(args.workers), "--threads", str(args.threads),
            "--log-level", "warning",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        wait_until_up(BASE + "/")
        busy_ms = median_page_time(prepared["busy"])
        quiet_ms = median_page_time(prepared["quiet"])
        print("==> One client posting for 10 s, one comment after another")
        alone, lock = [], threading.Lock()
        client("alone", prepared["targets"], time.monotonic() + 10, alone, lock)
        alone_ms = [elapsed for status, elapsed, _ in alone if status == 302]
        print(f"==> {args.clients} clients posting for {args.duration} s")
        results, lock = [], threading.Lock()
        deadline = time.monotonic() + args.duration
        threads = [
            threading.Thread(target=client, args=(n, prepared["targets"], deadline, results, lock))
            for n in range(args.clients)
        ]
        started = time.monotonic()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.monotonic() - started
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)

    accepted = [r for r in results + alone if r[0] == 302]
    statuses = {}
    for status, _, _ in results:
        statuses[status] = statuses.get(status, 0) + 1
    latencies = [r[1] for r in results if r[0] == 302]
    bodies_path = ROOT / "var" / "bench-accepted.json"
    bodies_path.write_text(json.dumps([r[2] for r in accepted]))
    check = shell(env, CHECK, str(bodies_path))

    report = [
        f"Comment posting benchmark, {datetime.date.today().isoformat()}: PostgreSQL, gunicorn "
        f"{args.workers} workers x {args.threads} threads, DEBUG off, {args.clients} clients "
        f"for {args.duration} s.",
        "",
        f"- posts sent: {len(results)} (statuses: {statuses})",
        f"- one client alone: {len(alone_ms)} comments accepted, median "
        f"{statistics.median(alone_ms):.1f} ms per post"
        if alone_ms
        else "- one client: none",
        f"- accepted comments per second: {len(latencies) / elapsed:.1f}",
        f"- post latency under load: p50 {percentile(latencies, 0.5):.1f} ms, "
        f"p99 {percentile(latencies, 0.99):.1f} ms"
        if latencies
        else "- no post accepted",
        f"- in the database: {check['stored']} stored for {check['accepted']} accepted, "
        f"{check['missing']} missing, {check['doubled']} stored twice",
        f"- article page, single request median: {busy_ms:.2f} ms with 50 approved comments, "
        f"{quiet_ms:.2f} ms with none",
    ]
    save_report(report, "comments")
    if check["missing"] or check["doubled"] or not accepted:
        raise SystemExit("Accepted comments and stored comments disagree.")


if __name__ == "__main__":
    main()

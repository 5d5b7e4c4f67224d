"""Load a scaled newsroom into PostgreSQL, serve it with gunicorn and measure it with wrk.

    make bench                      # 100,000 articles, 3 rounds
    .venv/bin/python bench/run.py --articles 20000 --rounds 1 --duration 5
    .venv/bin/python bench/run.py --pages search --rounds 5   # one page alone

Reports, for each page, the median over the rounds of: requests per second under load
(2 threads, 8 connections), and p50/p99 latency of single requests sent one after another
(1 connection, so the latency is the server's time plus loopback). Also counts the SQL
queries each page runs at that scale. Only 127.0.0.1 is ever contacted.
"""

import argparse
import datetime
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
HOST, PORT = "127.0.0.1", 8100
RESULTS = ROOT / "bench" / "results"

# Flood limits off for a run, as an editor would set them (bench/comments.py, bench/drill.py).
RELAX_LIMITS = """
from comments.models import DiscussionSettings
settings = DiscussionSettings.load()
for name, value in dict(min_seconds=0, rate_limit_seconds=0, hourly_cap=0,
                        hold_every_comment=False, notify_moderators=False).items():
    setattr(settings, name, value)
settings.save()
"""


def run(*args, env, **kwargs):
    return subprocess.run(args, cwd=ROOT, env=env, check=True, **kwargs)


def environment(database_url):
    env = dict(os.environ)
    env.update(
        DEBUG="false",
        SECRET_KEY="bench-only-secret-key-" + "x" * 40,
        DATABASE_URL=database_url,
        ALLOWED_HOSTS=HOST,
        SITE_URL=f"http://{HOST}:{PORT}",
        LOG_LEVEL="ERROR",
        # Every request renders its page: this measures the application, not the page
        # cache (bench/cache.py measures that, and nginx in front of it).
        PAGE_CACHE_SECONDS="0",
        # Plain HTTP on loopback, as `make serve`: no redirect to HTTPS.
        SECURE_SSL_REDIRECT="false",
    )
    env.pop("REDIS_URL", None)
    return env


def create_database(database_url):
    name = database_url.rsplit("/", 1)[1]
    server = database_url.rsplit("/", 1)[0] + "/postgres"
    exists = subprocess.run(
        ["psql", server, "-tAc", f"SELECT 1 FROM pg_database WHERE datname = '{name}'"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    if not exists:
        subprocess.run(["psql", server, "-qc", f'CREATE DATABASE "{name}"'], check=True)


def pages(env):
    """The URLs to measure and their query counts, read through Django at this scale."""
    script = """
import json
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from articles.models import Article, Section
article = Article.objects.public().newest_first().first()
section = Section.objects.first()
urls = {
    "front page": "/",
    "article": article.get_absolute_url(),
    "section": section.get_absolute_url(),
    "search": "/search/?q=council+budget",
}
client = Client(HTTP_HOST="127.0.0.1")
out = {}
for name, url in urls.items():
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        status = client.get(url).status_code
    assert status == 200, (url, status)
    out[name] = {"url": url, "status": status, "queries": len(queries)}
print(json.dumps(out))
"""
    output = run(
        PYTHON, "manage.py", "shell", "-c", script, env=env, capture_output=True, text=True
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}


def to_ms(text):
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(number) * UNITS[unit]


def wrk(url, *, threads, connections, duration):
    output = subprocess.run(
        ["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration}s", "--latency", url],
        capture_output=True,
        text=True,
        check=True,
        timeout=duration + 30,
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output)[1])
    p50 = to_ms(re.search(r"\s50%\s+(\S+)", output)[1])
    p99 = to_ms(re.search(r"\s99%\s+(\S+)", output)[1])
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    errors = re.search(r"Socket errors: (.*)", output)
    if non_2xx or errors:
        raise SystemExit(f"wrk saw failures on {url}:\n{output}")
    return rps, p50, p99


def wait_until_up(url, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"gunicorn did not answer at {url} within {timeout} s")


def arguments(description, *, duration, extra=()):
    """The options both benchmarks take; `extra` adds (flags, keyword arguments) pairs."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument(
        "--database-url",
        default=os.environ.get(
            "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/newsroom_bench"
        ),
    )
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--duration", type=int, default=duration, help="seconds per wrk run")
    for flags, options in extra:
        parser.add_argument(*flags, **options)
    args = parser.parse_args()
    if not args.database_url.startswith("postgres"):
        raise SystemExit("The benchmark runs on PostgreSQL: give a postgres:// URL.")
    return args


def prepare(env, database_url, articles):
    """The scaled newsroom: loaded once (bench/dataset.py adds nothing the second time)."""
    create_database(database_url)
    print(f"==> Preparing {database_url} with {articles:,} archive articles")
    run(PYTHON, "manage.py", "migrate", "--verbosity", "0", env=env)
    run(PYTHON, "bench/dataset.py", "--articles", str(articles), env=env)
    run(PYTHON, "manage.py", "collectstatic", "--noinput", "--verbosity", "0", env=env)
    run(PYTHON, "manage.py", "shell", "-c", "from django.db import connection; "
        "connection.cursor().execute('VACUUM ANALYZE')", env=env)  # fmt: skip


def main():
    args = arguments(
        __doc__.splitlines()[0],
        duration=10,
        extra=[
            (("--workers",), {"type": int, "default": 2}),
            (("--pages",), {"default": "", "help": "comma-separated page names (default: all)"}),
        ],
    )
    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed: apt-get install -y wrk")

    env = environment(args.database_url)
    prepare(env, args.database_url, args.articles)

    measured = pages(env)
    chosen = [name.strip() for name in args.pages.split(",") if name.strip()]
    if unknown := set(chosen) - set(measured):
        raise SystemExit(
            f"No such page: {', '.join(sorted(unknown))} (pages: {', '.join(measured)})"
        )
    if chosen:
        measured = {name: measured[name] for name in chosen}
    print("==> Starting gunicorn")
    server = subprocess.Popen(
        [
            PYTHON, "-m", "gunicorn", "newsroom.wsgi", "--bind", f"{HOST}:{PORT}",
            "--workers", str(args.workers), "--access-logfile", "-", "--log-level", "warning",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        base = f"http://{HOST}:{PORT}"
        wait_until_up(base + "/")
        samples = {name: {"rps": [], "p50": [], "p99": []} for name in measured}
        for round_number in range(1, args.rounds + 1):
            print(f"==> Round {round_number} of {args.rounds}")
            for name, page in measured.items():
                url = base + page["url"]
                rps, _, _ = wrk(url, threads=2, connections=8, duration=args.duration)
                _, p50, p99 = wrk(url, threads=1, connections=1, duration=args.duration)
                samples[name]["rps"].append(rps)
                samples[name]["p50"].append(p50)
                samples[name]["p99"].append(p99)
                print(f"    {name:<11} {rps:8.0f} req/s   p50 {p50:6.2f} ms   p99 {p99:6.2f} ms")
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)

    report = [
        f"Newsroom benchmark, {datetime.date.today().isoformat()}: "
        f"{args.articles:,} archive articles on PostgreSQL, gunicorn with {args.workers} "
        f"workers, DEBUG off, medians of {args.rounds} rounds of {args.duration} s.",
        "",
        "| page | queries | req/s (8 connections) | p50, single client | p99, single client |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for name, page in measured.items():
        s = samples[name]
        report.append(
            f"| {name} | {page['queries']} | {statistics.median(s['rps']):.0f} "
            f"| {statistics.median(s['p50']):.2f} ms | {statistics.median(s['p99']):.2f} ms |"
        )
    save_report(report)


def save_report(lines, name=""):
    """Print a benchmark's report and keep it under bench/results/, named by its time."""
    text = "\n".join(lines)
    print()
    print(text)
    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = f"{datetime.datetime.now():%Y%m%d-%H%M%S}"
    path = RESULTS / (f"{name}-{stamp}.md" if name else f"{stamp}.md")
    path.write_text(text + "\n")
    print(f"\nSaved to {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()

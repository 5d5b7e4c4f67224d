"""Measure the page cache and nginx in front of it, in one run, on the scaled dataset.

    make bench-cache
    .venv/bin/python bench/cache.py --duration 5 --rounds 1

With the dataset of bench/run.py (100,000 articles in PostgreSQL) and Redis as the cache,
this measures with wrk against gunicorn (2 workers, DEBUG off):
  - the article page with 50 approved comments served from the page cache, the same page
    rendered every time (PAGE_CACHE_SECONDS=0), and the front page both ways;
  - through nginx (deploy/nginx/newsroom.conf, filled in for this machine): the same
    article page, against nginx serving the same HTML as a plain file;
  - freshness through nginx: how long until a comment approved and an article edited show.
Each page: requests per second under load (2 threads, 8 connections) and p50/p99 of single
requests one after another. Only 127.0.0.1 is contacted; every process started is stopped.
"""

import datetime
import json
import os
import shutil
import signal
import statistics
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path

from run import (
    PYTHON,
    ROOT,
    arguments,
    environment,
    prepare,
    run,
    save_report,
    wait_until_up,
    wrk,
)

HOST = "127.0.0.1"
CACHED_PORT, UNCACHED_PORT, NGINX_PORT, STATIC_PORT = 8111, 8112, 8113, 8114
REDIS_URL = "redis://127.0.0.1:6379/5"
RESULTS = ROOT / "bench" / "results"
COMMENTS = 50
# Short enough to watch a change arrive through nginx within the run.
SHARED_MAX_AGE = 10

PREPARE = """
import json
from django.utils import timezone
from articles.models import Article
from comments.models import Comment, DiscussionSettings
from comments.moderation import comments_open
discussion = DiscussionSettings.load()
article = next(
    a for a in Article.objects.public().newest_first()[:50]
    if comments_open(a, discussion=discussion)
)
have = Comment.objects.filter(article=article, status=Comment.Status.APPROVED).count()
parent = None
for number in range(have, %(comments)d):
    comment = Comment(
        article=article,
        parent=parent if number %% 3 else None,
        depth=2 if (parent and number %% 3) else 1,
        author_name=f"Bench reader {number}",
        author_email=f"bench-reader-{number}@example.org",
        body=f"Point {number}: the figures in the third paragraph deserve a second look, "
        "see https://example.org/figures for the council's own table.",
        status=Comment.Status.APPROVED,
        ip_address="127.0.0.1",
    )
    comment.save()
    parent = comment if number %% 3 == 0 else parent
print(json.dumps({"article": article.get_absolute_url(), "pk": article.pk}))
"""

APPROVE = """
from articles.models import Article
from comments.models import Comment
from comments import services
from django.contrib.auth import get_user_model
article = Article.objects.get(pk=%(pk)d)
moderator = get_user_model().objects.filter(is_staff=True).first()
comment = Comment(article=article, author_name="Freshness check", author_email="fresh@example.org",
                  body="%(marker)s", status=Comment.Status.PENDING, ip_address="127.0.0.1")
comment.save()
services.approve_comment(comment=comment, by=moderator)
"""

EDIT = """
from articles.models import Article
article = Article.objects.get(pk=%(pk)d)
article.standfirst = "%(marker)s"
article.save()
"""


def manage_shell(env, script):
    output = run(
        PYTHON, "manage.py", "shell", "-c", script, env=env, capture_output=True, text=True
    ).stdout
    return output.strip().splitlines()[-1] if output.strip() else ""


def gunicorn(env, port):
    return subprocess.Popen(
        [
            PYTHON, "-m", "gunicorn", "newsroom.wsgi", "--bind", f"{HOST}:{port}",
            "--workers", "2", "--log-level", "warning",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
    )  # fmt: skip


def stop(process):
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def nginx_config(folder: Path, *, static_root, media_root, html):
    """deploy/nginx/newsroom.conf with this machine's values, and a plain-file server."""
    site = (ROOT / "deploy" / "nginx" / "newsroom.conf").read_text()
    for name, value in {
        "@LISTEN@": f"{HOST}:{NGINX_PORT}",
        "@SERVER_NAME@": HOST,
        "@APP@": f"{HOST}:{CACHED_PORT}",
        "@CACHE_DIR@": str(folder / "cache"),
        "@STATIC_ROOT@": str(static_root),
        "@MEDIA_ROOT@": str(media_root),
    }.items():
        site = site.replace(name, value)
    (folder / "site.conf").write_text(site)
    (folder / "plain").mkdir()
    (folder / "plain" / "article.html").write_bytes(html)
    (folder / "nginx.conf").write_text(
        f"""
worker_processes 2;
pid {folder}/nginx.pid;
error_log {folder}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log off;
    sendfile on;
    keepalive_requests 100000;
    client_body_temp_path {folder}/body;
    proxy_temp_path {folder}/proxy;
    fastcgi_temp_path {folder}/fastcgi;
    uwsgi_temp_path {folder}/uwsgi;
    scgi_temp_path {folder}/scgi;
    include {folder}/site.conf;
    server {{
        listen {HOST}:{STATIC_PORT};
        location / {{ root {folder}/plain; default_type text/html; }}
    }}
}}
"""
    )
    # nginx's workers run as an unprivileged user when started by root.
    os.chmod(folder, 0o777)
    return folder / "nginx.conf"


def measure(url, duration, rounds):
    samples = {"rps": [], "p50": [], "p99": []}
    for _ in range(rounds):
        rps, _, _ = wrk(url, threads=2, connections=8, duration=duration)
        _, p50, p99 = wrk(url, threads=1, connections=1, duration=duration)
        samples["rps"].append(rps)
        samples["p50"].append(p50)
        samples["p99"].append(p99)
    return {key: statistics.median(values) for key, values in samples.items()}


def fetch(url, headers=None):
    request = urllib.request.Request(url, headers=headers or {})
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.status, dict(response.headers), response.read()


def seconds_until_visible(url, marker, change, limit):
    started = time.monotonic()
    change()
    while time.monotonic() - started < limit:
        if marker.encode() in fetch(url)[2]:
            return time.monotonic() - started
        time.sleep(0.25)
    return None


def main():
    args = arguments(__doc__.splitlines()[0], duration=8)
    for tool in ("wrk", "nginx", "redis-cli"):
        if not shutil.which(tool):
            raise SystemExit(f"{tool} is not installed (apt-get install -y wrk nginx redis)")

    base_env = environment(args.database_url)
    base_env.update(
        REDIS_URL=REDIS_URL, PAGE_CACHE_SECONDS="600", PAGE_SHARED_MAX_AGE=str(SHARED_MAX_AGE)
    )
    static_root = Path(tempfile.mkdtemp(prefix="newsroom-static-"))
    base_env["STATIC_ROOT"] = str(static_root)
    prepare(base_env, args.database_url, args.articles)
    target = json.loads(manage_shell(base_env, PREPARE % {"comments": COMMENTS}))
    article = target["article"]
    subprocess.run(["redis-cli", "-u", REDIS_URL, "flushdb"], check=True, capture_output=True)

    uncached_env = dict(base_env, PAGE_CACHE_SECONDS="0")
    processes, folder = [], Path(tempfile.mkdtemp(prefix="newsroom-nginx-"))
    results = {}
    try:
        cached = gunicorn(base_env, CACHED_PORT)
        processes.append(cached)
        uncached = gunicorn(uncached_env, UNCACHED_PORT)
        processes.append(uncached)
        for port in (CACHED_PORT, UNCACHED_PORT):
            wait_until_up(f"http://{HOST}:{port}/")
        status, headers, html = fetch(f"http://{HOST}:{CACHED_PORT}{article}")
        assert status == 200 and headers.get("X-Page-Cache") in {"hit", "miss"}, headers
        assert html.count(b'class="comment depth-') >= COMMENTS, "the thread is not there"
        assert fetch(f"http://{HOST}:{CACHED_PORT}{article}")[1]["X-Page-Cache"] == "hit"

        config = nginx_config(
            folder,
            static_root=static_root,
            media_root=ROOT / "var" / "media",
            html=html,
        )
        nginx = subprocess.Popen(
            ["nginx", "-p", str(folder), "-c", str(config), "-g", "daemon off;"],
            stdout=subprocess.DEVNULL,
        )
        processes.append(nginx)
        wait_until_up(f"http://{HOST}:{STATIC_PORT}/article.html")
        wait_until_up(f"http://{HOST}:{NGINX_PORT}{article}")
        fetch(f"http://{HOST}:{NGINX_PORT}{article}")
        assert fetch(f"http://{HOST}:{NGINX_PORT}{article}")[1]["X-Cache-Status"] == "HIT"

        pages = {
            "article, page cache": f"http://{HOST}:{CACHED_PORT}{article}",
            "article, uncached": f"http://{HOST}:{UNCACHED_PORT}{article}",
            "front page, page cache": f"http://{HOST}:{CACHED_PORT}/",
            "front page, uncached": f"http://{HOST}:{UNCACHED_PORT}/",
            "article through nginx": f"http://{HOST}:{NGINX_PORT}{article}",
            "same HTML, nginx plain file": f"http://{HOST}:{STATIC_PORT}/article.html",
        }
        for name, url in pages.items():
            results[name] = measure(url, args.duration, args.rounds)
            r = results[name]
            print(f"    {name:<28} {r['rps']:8.0f} req/s   p50 {r['p50']:7.2f} ms   "
                  f"p99 {r['p99']:7.2f} ms")  # fmt: skip

        print("==> Freshness through nginx")
        through = f"http://{HOST}:{NGINX_PORT}{article}"
        stamp = datetime.datetime.now().strftime("%H%M%S")
        freshness = {}
        for name, script in (("a comment approved", APPROVE), ("an article edit", EDIT)):
            marker = f"Freshness check {stamp}: {name}"
            values = {"pk": target["pk"], "marker": marker}
            freshness[name] = seconds_until_visible(
                through,
                marker,
                lambda script=script, values=values: manage_shell(base_env, script % values),
                limit=SHARED_MAX_AGE * 3,
            )
    finally:
        for process in reversed(processes):
            stop(process)
        shutil.rmtree(folder, ignore_errors=True)
        shutil.rmtree(static_root, ignore_errors=True)

    def ratio(a, b):
        return results[a]["rps"] / results[b]["rps"]

    lines = [
        f"Newsroom page-cache benchmark, {datetime.date.today().isoformat()}: "
        f"{args.articles:,} archive articles on PostgreSQL, Redis cache, gunicorn with 2 "
        f"workers, nginx {nginx_version()}, medians of {args.rounds} rounds of "
        f"{args.duration} s. Article with {COMMENTS} approved comments.",
        "",
        "| page | req/s (8 connections) | p50, single client | p99, single client |",
        "| --- | ---: | ---: | ---: |",
    ]
    for name, r in results.items():
        lines.append(f"| {name} | {r['rps']:.0f} | {r['p50']:.2f} ms | {r['p99']:.2f} ms |")

    def seconds(value):
        return f"{value:.1f} s" if value is not None else f"not within {SHARED_MAX_AGE * 3} s"

    lines += [
        "",
        "- Page cache / uncached, article: "
        f"{ratio('article, page cache', 'article, uncached'):.1f}x (target: at least 10x)",
        f"- nginx proxy cache / nginx plain file: "
        f"{ratio('article through nginx', 'same HTML, nginx plain file'):.2f}"
        " (target: at least 0.5)",
        f"- Uncached article p50: {results['article, uncached']['p50']:.1f} ms"
        " (target: under 20 ms)",
        f"- Through nginx (s-maxage {SHARED_MAX_AGE} s): "
        + ", ".join(f"{name} showed after {seconds(value)}" for name, value in freshness.items())
        + ".",
    ]
    save_report(lines, "cache")


def nginx_version():
    output = subprocess.run(["nginx", "-v"], capture_output=True, text=True).stderr
    return output.strip().rsplit("/", 1)[-1]


if __name__ == "__main__":
    main()

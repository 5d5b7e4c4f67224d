"""Measure the article page through Varnish beside nginx serving the same HTML as a file.

    .venv/bin/python bench/varnish.py --duration 5 --rounds 3

With the dataset of bench/run.py on PostgreSQL and Redis as the cache, one gunicorn (2
workers, DEBUG off, purging at the Varnish started here) behind varnishd with
deploy/varnish/newsroom.vcl, and nginx serving the article's HTML as a plain file:
  - requests per second (2 threads, 8 connections) and p50/p99 of single requests, for
    the article page through Varnish and for the plain file (precompressed, gzip_static),
    both asked for with Accept-Encoding: gzip, in interleaved rounds;
  - freshness through Varnish: how long until a comment approved and an article edited
    show (the purge by surrogate key; without it, s-maxage).
Only 127.0.0.1 is contacted; every process started is stopped. Needs wrk, nginx, varnishd
and the xkey vmod (apt-get install -y wrk nginx varnish varnish-modules).
"""

import datetime
import gzip
import json
import os
import re
import shutil
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

from cache import APPROVE, COMMENTS, EDIT, PREPARE, fetch, manage_shell, stop
from run import PYTHON, ROOT, arguments, environment, prepare, save_report, to_ms, wait_until_up

HOST = "127.0.0.1"
APP_PORT, VARNISH_PORT, STATIC_PORT = 8121, 8122, 8123
REDIS_URL = "redis://127.0.0.1:6379/9"
RESULTS = ROOT / "bench" / "results"
VARNISHD = shutil.which("varnishd") or shutil.which("varnishd", path="/usr/sbin")


def varnish(folder: Path):
    vcl = (ROOT / "deploy" / "varnish" / "newsroom.vcl").read_text()
    for name, value in {
        "APP_HOST": HOST,
        "APP_PORT": str(APP_PORT),
        "SITE_HOST": HOST,
        "PURGERS": f'"{HOST}";',
    }.items():
        vcl = vcl.replace(f"@{name}@", value)
    (folder / "newsroom.vcl").write_text(vcl)
    return subprocess.Popen(
        [
            VARNISHD, "-F", "-j", "none", "-a", f"{HOST}:{VARNISH_PORT}",
            "-f", str(folder / "newsroom.vcl"), "-n", str(folder / "varnish"),
            "-s", "malloc,256m",
        ],
        stdout=subprocess.DEVNULL,
    )  # fmt: skip


def wrk(url, *, threads, connections, duration):
    """bench/run.py's wrk, asking for compressed pages as every browser does."""
    output = subprocess.run(
        [
            "wrk", f"-t{threads}", f"-c{connections}", f"-d{duration}s", "--latency",
            "-H", "Accept-Encoding: gzip", url,
        ],
        capture_output=True,
        text=True,
        check=True,
        timeout=duration + 30,
    ).stdout  # fmt: skip
    if re.search(r"Non-2xx or 3xx responses|Socket errors", output):
        raise SystemExit(f"wrk saw failures on {url}:\n{output}")
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output)[1])
    p50 = to_ms(re.search(r"\s50%\s+(\S+)", output)[1])
    p99 = to_ms(re.search(r"\s99%\s+(\S+)", output)[1])
    return rps, p50, p99


def plain_nginx(folder: Path, html: bytes):
    """nginx serving the page as a file, compressed beforehand as Varnish keeps it."""
    (folder / "plain").mkdir()
    (folder / "plain" / "article.html").write_bytes(html)
    (folder / "plain" / "article.html.gz").write_bytes(gzip.compress(html))
    config = folder / "nginx.conf"
    config.write_text(
        f"""
worker_processes 2;
pid {folder}/nginx.pid;
error_log {folder}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    sendfile on;
    keepalive_requests 100000;
    client_body_temp_path {folder}/body;
    proxy_temp_path {folder}/proxy;
    fastcgi_temp_path {folder}/fastcgi;
    uwsgi_temp_path {folder}/uwsgi;
    scgi_temp_path {folder}/scgi;
    server {{
        listen {HOST}:{STATIC_PORT};
        location / {{ root {folder}/plain; default_type text/html; gzip_static on; }}
    }}
}}
"""
    )
    # nginx's workers run as an unprivileged user when started by root.
    os.chmod(folder, 0o777)
    return subprocess.Popen(
        ["nginx", "-p", str(folder), "-c", str(config), "-g", "daemon off;"],
        stdout=subprocess.DEVNULL,
    )


def seconds_until_visible(url, marker, env, script, limit=60):
    """Seconds from the change's commit until the page through Varnish shows it.

    The change runs in a `manage.py shell` of its own, as an editor's request would run in
    an app server, and prints when it committed; the page is polled meanwhile.
    """
    process = subprocess.Popen(
        [PYTHON, "manage.py", "shell", "-c", script + "\nimport time\nprint('at', time.time())"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    )
    seen, deadline = None, time.monotonic() + limit
    while seen is None and time.monotonic() < deadline:
        if marker.encode() in fetch(url)[2]:
            seen = time.time()
        else:
            time.sleep(0.02)
    output, _ = process.communicate(timeout=limit)
    committed = float(re.search(r"^at (\S+)$", output, re.MULTILINE)[1])
    return seen - committed if seen is not None else None


def main():
    args = arguments(__doc__.splitlines()[0], duration=8)
    for tool in ("wrk", "nginx", "redis-cli"):
        if not shutil.which(tool):
            raise SystemExit(f"{tool} is not installed (apt-get install -y wrk nginx redis)")
    if VARNISHD is None:
        raise SystemExit("varnishd is not installed (apt-get install -y varnish varnish-modules)")

    env = environment(args.database_url)
    static_root = Path(tempfile.mkdtemp(prefix="newsroom-static-"))
    env.update(
        REDIS_URL=REDIS_URL,
        PAGE_CACHE_SECONDS="600",
        STATIC_ROOT=str(static_root),
        FRONT_CACHE_URLS=f"http://{HOST}:{VARNISH_PORT}",
        SITE_URL=f"http://{HOST}:{VARNISH_PORT}",
    )
    prepare(env, args.database_url, args.articles)
    target = json.loads(manage_shell(env, PREPARE % {"comments": COMMENTS}))
    article = target["article"]
    subprocess.run(["redis-cli", "-u", REDIS_URL, "flushdb"], check=True, capture_output=True)

    folder = Path(tempfile.mkdtemp(prefix="newsroom-varnish-"))
    processes, samples = [], {}
    through = f"http://{HOST}:{VARNISH_PORT}{article}"
    plain = f"http://{HOST}:{STATIC_PORT}/article.html"
    try:
        processes.append(
            subprocess.Popen(
                [
                    PYTHON,
                    "-m",
                    "gunicorn",
                    "newsroom.wsgi",
                    "--bind",
                    f"{HOST}:{APP_PORT}",
                    "--workers",
                    "2",
                    "--log-level",
                    "warning",
                ],
                cwd=ROOT,
                env=env,
                stdout=subprocess.DEVNULL,
            )  # fmt: skip
        )
        wait_until_up(f"http://{HOST}:{APP_PORT}/robots.txt")
        processes.append(varnish(folder))
        wait_until_up(through)
        fetch(through)
        status, headers, html = fetch(through)
        assert status == 200 and headers["X-Cache-Status"] == "HIT", headers
        assert html.count(b'class="comment depth-') >= COMMENTS, "the thread is not there"
        processes.append(plain_nginx(folder, html))
        wait_until_up(plain)

        names = {"article through Varnish": through, "same HTML, nginx plain file": plain}
        for _ in range(args.rounds):
            for name, url in names.items():
                rps, _, _ = wrk(url, threads=2, connections=8, duration=args.duration)
                _, p50, p99 = wrk(url, threads=1, connections=1, duration=args.duration)
                for key, value in (("rps", rps), ("p50", p50), ("p99", p99)):
                    samples.setdefault(name, {}).setdefault(key, []).append(value)
                print(f"    {name:<28} {rps:8.0f} req/s   p50 {p50:7.2f} ms   p99 {p99:7.2f} ms")

        print("==> Freshness through Varnish")
        stamp = datetime.datetime.now().strftime("%H%M%S")
        freshness = {}
        for name, script in (("a comment approved", APPROVE), ("an article edit", EDIT)):
            fetch(through)
            marker = f"Freshness check {stamp}: {name}"
            values = {"pk": target["pk"], "marker": marker}
            freshness[name] = seconds_until_visible(through, marker, env, script % values)
    finally:
        for process in reversed(processes):
            stop(process)
        shutil.rmtree(folder, ignore_errors=True)
        shutil.rmtree(static_root, ignore_errors=True)

    results = {
        name: {key: statistics.median(values) for key, values in by_key.items()}
        for name, by_key in samples.items()
    }
    varnish_rps = results["article through Varnish"]["rps"]
    ratio = varnish_rps / results["same HTML, nginx plain file"]["rps"]
    version = subprocess.run([VARNISHD, "-V"], capture_output=True, text=True).stderr
    lines = [
        f"Newsroom front-cache benchmark, {datetime.date.today().isoformat()}: "
        f"{args.articles:,} archive articles on PostgreSQL, Redis cache, gunicorn with 2 "
        f"workers, {version.splitlines()[0] if version else 'varnishd'}, medians of "
        f"{args.rounds} interleaved rounds of {args.duration} s. Article with {COMMENTS} "
        "approved comments.",
        "",
        "| page | req/s (8 connections) | p50, single client | p99, single client |",
        "| --- | ---: | ---: | ---: |",
    ]
    for name, r in results.items():
        lines.append(f"| {name} | {r['rps']:.0f} | {r['p50']:.2f} ms | {r['p99']:.2f} ms |")

    def seconds(value):
        return f"{value:.2f} s" if value is not None else "not within 60 s"

    lines += [
        "",
        f"- Varnish / nginx plain file: {ratio:.2f} (target: at least 0.5)",
        "- Through Varnish, from the change's commit: "
        + ", ".join(f"{name} showed after {seconds(value)}" for name, value in freshness.items())
        + ".",
    ]
    save_report(lines, "varnish")


if __name__ == "__main__":
    main()

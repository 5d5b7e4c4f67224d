"""Many commenters at once, while Redis and PostgreSQL fail: nothing accepted is lost or doubled.

    .venv/bin/python bench/comment_load.py                      # 10,000 comments, 64 clients
    .venv/bin/python bench/comment_load.py --comments 500 --clients 16 --scenarios calm

Starts its own PostgreSQL cluster (initdb into a temporary directory) and its own Redis, on
ports of their own, and gunicorn (2 workers, DEBUG off, the page cache on, one trusted
proxy) in front of them. Each scenario then has --clients clients post --comments comments
between them, each comment from a different commenter (name, email, address) who does
what the page's script does: loads the article page, fetches a fresh form token, waits
the discussion's minimum seconds, posts, and follows the redirect. A 503 is sent again
after its Retry-After, as the commenter pressing the button on the 503 page would.

Scenarios: calm; redis-pause (SIGSTOP for --down seconds, then SIGCONT); redis-restart
(stopped, --down seconds later started again on the same port, empty); postgres-restart
(`pg_ctl restart -m fast`). Each fault strikes when --fault-at of the comments have been
accepted. Afterwards the database is asked how many times each comment was stored: every
comment the server accepted (a redirect to it), or recognised as a duplicate of one it had
stored when a post was sent again, must be there exactly once.

Everything listens on 127.0.0.1 and is stopped, and the cluster removed, at the end.
"""

import argparse
import datetime
import http.client
import itertools
import json
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
HOST = "127.0.0.1"
WEB_PORT, POSTGRES_PORT, REDIS_PORT = 8231, 8232, 8233
SCENARIOS = ("calm", "redis-pause", "redis-restart", "postgres-restart")
# Each comment's text starts with its key, which the database is searched for at the end.
KEY = re.compile(r"^\[(load-[^\]]+)\]")
TOKEN_URL = re.compile(r'data-token-url="([^"]+)"')
FORM_ACTION = re.compile(r'<form id="comment-form"[^>]* action="([^"]+)"')

# What one attempt to post a comment came to.
ACCEPTED = "accepted"  # a redirect to the comment (published, held or marked spam)
DUPLICATE = "duplicate"  # 409: the same comment is already stored
REFUSED = "refused"  # any other refusal (too fast, rate-limited, invalid)
UNAVAILABLE = "unavailable"  # 503: the database is away; send again later
ERROR = "error"  # no answer: connection refused or reset, or a timeout
FAILED = "failed"  # any other 5xx: a defect
SENT_AGAIN_AFTER = {UNAVAILABLE, ERROR, FAILED}


# Checking what was stored against what the clients were told --------------------------------


def tally(log, stored):
    """Compare the clients' log with the database.

    `log` maps each comment's key to the outcomes of its attempts, in order; `stored` maps
    a key to the number of comments the database holds with it. A comment is confirmed
    when an attempt was accepted, or when a post sent again after a failure was refused as
    a duplicate: the server had stored the first one and recognised the second.
    """
    confirmed, refused, unconfirmed = set(), set(), set()
    for key, outcomes in log.items():
        if ACCEPTED in outcomes:
            confirmed.add(key)
        elif any(
            outcome == DUPLICATE and set(outcomes[:n]) & SENT_AGAIN_AFTER
            for n, outcome in enumerate(outcomes)
        ):
            confirmed.add(key)
        elif outcomes and outcomes[-1] in SENT_AGAIN_AFTER:
            unconfirmed.add(key)  # the client gave up: stored or not, nobody was told
        else:
            refused.add(key)
    return {
        "posted": len(log),
        "confirmed": len(confirmed),
        "recognised duplicates": sum(1 for key in confirmed if ACCEPTED not in log[key]),
        "lost": sum(1 for key in confirmed if stored.get(key, 0) == 0),
        "doubled": sum(1 for count in stored.values() if count > 1),
        "refused": len(refused),
        "refused but stored": sum(1 for key in refused if stored.get(key, 0)),
        "unconfirmed": len(unconfirmed),
        "stored": sum(stored.values()),
        "stored without a post": sum(1 for key in stored if key not in log),
    }


def stored_counts(database_url, prefix):
    """How many comments the database holds under each key that starts with `prefix`."""
    import psycopg

    with psycopg.connect(database_url, connect_timeout=10) as connection:
        rows = connection.execute(
            "SELECT body FROM comments_comment WHERE body LIKE %s", [f"[{prefix}%"]
        ).fetchall()
    return count_keys(body for (body,) in rows)


def count_keys(bodies):
    """How many of these comment texts carry each key."""
    return Counter(match[1] for body in bodies if (match := KEY.match(body)))


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * fraction))] if ordered else 0.0


# The services, each its own process on 127.0.0.1 -------------------------------------------


def as_postgres(args, **kwargs):
    """Runs a PostgreSQL program as the postgres user when we are root (it refuses root)."""
    if os.geteuid() == 0:
        args = ["runuser", "-u", "postgres", "--", *args]
    return subprocess.run(args, check=True, capture_output=True, text=True, timeout=120, **kwargs)


class Postgres:
    """A cluster of our own in a temporary directory, which can be restarted mid-run."""

    def __init__(self, port, version=15):
        self.bindir = Path(f"/usr/lib/postgresql/{version}/bin")
        self.base = Path(tempfile.mkdtemp(prefix="newsroom-load-pg-"))
        self.data = self.base / "data"
        self.port = port
        self.url = f"postgres://postgres@{HOST}:{port}/newsroom_load"
        self.running = False

    def start(self):
        if os.geteuid() == 0:
            shutil.chown(self.base, "postgres")
        as_postgres(
            [str(self.bindir / "initdb"), "-D", str(self.data), "-U", "postgres"]
            + ["--auth=trust", "--no-sync"]
        )
        self._ctl("start")
        self.running = True
        as_postgres(
            [str(self.bindir / "createdb"), "-h", HOST, "-p", str(self.port), "newsroom_load"]
        )

    def _ctl(self, *action):
        options = (
            f"-p {self.port} -c listen_addresses={HOST} -c unix_socket_directories={self.base}"
        )
        as_postgres(
            [str(self.bindir / "pg_ctl"), "-D", str(self.data), "-o", options]
            + ["-l", str(self.base / "log"), "-w", "-t", "60", *action]
        )

    def restart(self):
        self._ctl("restart", "-m", "fast")

    def stop(self):
        if self.running:
            self._ctl("stop", "-m", "fast")
            self.running = False
        shutil.rmtree(self.base, ignore_errors=True)


class Redis:
    """A Redis of our own that keeps nothing on disk: a restart starts it empty."""

    def __init__(self, port):
        self.port = port
        self.url = f"redis://{HOST}:{port}/0"
        self.process = None

    def start(self):
        self.process = subprocess.Popen(
            ["redis-server", "--bind", HOST, "--port", str(self.port)]
            + ["--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                with socket_to(self.port) as connection:
                    connection.sendall(b"PING\r\n")
                    if connection.recv(16).startswith(b"+PONG"):
                        return
            except OSError:
                time.sleep(0.1)
        raise SystemExit(f"Redis did not start on port {self.port}")

    def pause(self, seconds):
        self.process.send_signal(signal.SIGSTOP)
        time.sleep(seconds)
        self.process.send_signal(signal.SIGCONT)

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGCONT)
            self.process.terminate()
            self.process.wait(timeout=30)


def socket_to(port):
    import socket

    return socket.create_connection((HOST, port), timeout=2)


def environment(postgres, redis, static_root):
    """Production's settings, pointed at our own services; nothing inherited."""
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": os.environ.get("HOME", "/tmp"),
        "DJANGO_SETTINGS_MODULE": "newsroom.settings",
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": HOST,
        "SITE_URL": f"http://{HOST}:{WEB_PORT}",
        "DATABASE_URL": postgres.url,
        "REDIS_URL": redis.url,
        "TASKS_BACKEND": "database",
        # gunicorn sits behind one proxy in production; here the clients play it, each
        # sending its commenter's own address.
        "TRUSTED_PROXY_COUNT": "1",
        "STATIC_ROOT": str(static_root),
        "LOG_LEVEL": "ERROR",
        # Plain HTTP on loopback: no redirect to HTTPS.
        "SECURE_SSL_REDIRECT": "false",
    }


PREPARE = """
import json
from articles.models import Article
from comments.models import DiscussionSettings
settings = DiscussionSettings.load()
settings.min_seconds = {min_seconds}
settings.save()
articles = list(Article.objects.public().newest_first()[:{articles}])
for article in articles:
    article.comments_enabled = True
    article.comments_close_at = None
    article.save()
print(json.dumps([a.get_absolute_url() for a in articles]))
"""


def prepare(env, *, min_seconds, articles):
    def manage(*args, **kwargs):
        return subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True, **kwargs)

    manage("migrate", "--verbosity", "0")
    # The demo app (and its seed_demo command) is installed only when DEMO is on.
    subprocess.run(
        [PYTHON, "manage.py", "seed_demo"],
        cwd=ROOT,
        env=dict(env, DEMO="true"),
        check=True,
        stdout=subprocess.DEVNULL,
    )
    manage("collectstatic", "--noinput", "--verbosity", "0")
    script = PREPARE.format(min_seconds=min_seconds, articles=articles)
    output = manage("shell", "-c", script, capture_output=True, text=True).stdout
    return json.loads(output.strip().splitlines()[-1])


def start_gunicorn(env, workers, threads):
    server = subprocess.Popen(
        [PYTHON, "-m", "gunicorn", "newsroom.wsgi", "--bind", f"{HOST}:{WEB_PORT}"]
        + ["--workers", str(workers), "--threads", str(threads), "--keep-alive", "30"]
        + ["--log-level", "warning", "--no-control-socket"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with socket_to(WEB_PORT):
                return server
        except OSError:
            if server.poll() is not None:
                raise SystemExit("gunicorn did not start") from None
            time.sleep(0.2)
    raise SystemExit("gunicorn did not answer within 60 s")


# One client: commenters one after another, over one keep-alive connection -------------------


@dataclass
class Run:
    """What every client of one scenario shares: the work to share out and the log."""

    prefix: str
    total: int
    urls: list
    min_seconds: float
    numbers: itertools.count = field(default_factory=itertools.count)
    lock: threading.Lock = field(default_factory=threading.Lock)
    log: dict = field(default_factory=dict)
    statuses: Counter = field(default_factory=Counter)
    post_ms: list = field(default_factory=list)
    retries: int = 0
    accepted: int = 0
    posts_unavailable: int = 0
    failures: list = field(default_factory=list)
    no_answers: list = field(default_factory=list)

    def next_number(self):
        with self.lock:
            number = next(self.numbers)
        return number if number < self.total else None


class Browser:
    """One keep-alive connection, sent again on a new one when it fails."""

    def __init__(self, run, address):
        self.run = run
        self.address = address
        self.connection = None

    def request(self, method, path, body=None, headers=None):
        """(status, headers, text), or (0, {}, reason) when no answer came."""
        headers = {"X-Forwarded-For": self.address, **(headers or {})}
        try:
            if self.connection is None:
                self.connection = http.client.HTTPConnection(HOST, WEB_PORT, timeout=60)
            self.connection.request(method, path, body=body, headers=headers)
            response = self.connection.getresponse()
            text = response.read().decode("utf-8", "replace")
        except (OSError, http.client.HTTPException) as error:
            self.close()
            with self.run.lock:
                self.run.statuses[0] += 1
                self.run.no_answers.append((method, path, repr(error)))
            return 0, {}, repr(error)
        with self.run.lock:
            self.run.statuses[response.status] += 1
            if response.status >= 500 and response.status != 503:
                self.run.failures.append((method, path, response.status, text[:300]))
        if response.will_close:
            self.close()
        return response.status, dict(response.getheaders()), text

    def close(self):
        if self.connection is not None:
            self.connection.close()
            self.connection = None

    def wait_to_try_again(self, status, headers):
        with self.run.lock:
            self.run.retries += 1
        try:
            seconds = float(headers.get("Retry-After", ""))
        except ValueError:
            seconds = 1.0
        time.sleep(min(max(seconds, 0.5), 60) if status == 503 else 1.0)

    def get(self, path, attempts=20):
        """A page, waiting and asking again while the server answers 503 or not at all."""
        for _ in range(attempts):
            status, headers, text = self.request("GET", path)
            if status not in (0, 503):
                return status, text
            self.wait_to_try_again(status, headers)
        return status, text


def commenter(run, browser, number):
    """Everything one commenter does, logged under their comment's key."""
    key = f"{run.prefix}-{number}"
    url = run.urls[number % len(run.urls)]
    status, page = browser.get(url)
    action, token_url = FORM_ACTION.search(page or ""), TOKEN_URL.search(page or "")
    if status != 200 or action is None or token_url is None:
        with run.lock:
            run.log[key] = [FAILED]
        return
    status, text = browser.get(token_url[1])
    shown = time.monotonic()
    token = json.loads(text)["token"] if status == 200 else ""
    fields = {
        "author_name": f"Commenter {number} of {run.prefix}",
        "author_email": f"commenter.{key}@example.org",
        "author_url": "",
        "body": f"[{key}] Reader {number} thinks the night ferry should run on Sundays too, "
        f"and asks whether route {number % 97} was costed.",
        "token": token,
        "parent": "",
        "contact_fax": "",
    }
    body = urllib.parse.urlencode(fields)
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "Origin": f"http://{HOST}:{WEB_PORT}",
        "Sec-Fetch-Site": "same-origin",
    }
    time.sleep(max(0.0, shown + run.min_seconds + 0.05 - time.monotonic()))
    outcomes = []
    for _ in range(20):
        started = time.perf_counter()
        status, answer_headers, text = browser.request("POST", action[1], body, headers)
        elapsed = (time.perf_counter() - started) * 1000
        outcome = classify(status, answer_headers)
        if status == 303:  # refused, and shown why on the article page
            status, _ = browser.get(answer_headers["Location"])
            outcome = classify(status, {})
        outcomes.append(outcome)
        if outcome == UNAVAILABLE:
            with run.lock:
                run.posts_unavailable += 1
        if outcome == ACCEPTED:
            with run.lock:
                run.post_ms.append(elapsed)
                run.accepted += 1
            # The browser follows the redirect, with the cookie that names the comment.
            cookie = answer_headers.get("Set-Cookie", "").split(";", 1)[0]
            browser.request("GET", answer_headers["Location"], headers={"Cookie": cookie})
            break
        if outcome not in SENT_AGAIN_AFTER:
            break
        browser.wait_to_try_again(status, answer_headers)
    with run.lock:
        run.log[key] = outcomes


def classify(status, headers):
    if status == 302:
        return ACCEPTED
    if status == 409:
        return DUPLICATE
    if status == 503:
        return UNAVAILABLE
    if status == 0:
        return ERROR
    if status >= 500:
        return FAILED
    return REFUSED


def client(run, number):
    while (n := run.next_number()) is not None:
        # A different address for every commenter, as many readers behind one proxy.
        browser = Browser(run, f"10.{(n >> 16) & 255}.{(n >> 8) & 255}.{n & 255}")
        try:
            commenter(run, browser, n)
        finally:
            browser.close()


# A scenario: the load, a fault in the middle of it, then the count --------------------------


def strike(fault, run, *, at, postgres, redis, down, record):
    """Waits until `at` comments are accepted, then makes the fault happen."""
    while run.accepted < at:
        if run.numbers_done():
            return
        time.sleep(0.05)
    started = time.monotonic()
    if fault == "redis-pause":
        redis.pause(down)
    elif fault == "redis-restart":
        redis.stop()
        time.sleep(down)
        redis.start()
    elif fault == "postgres-restart":
        postgres.restart()
    record["fault seconds"] = round(time.monotonic() - started, 2)
    record["fault at"] = run.accepted


def scenario(name, *, args, urls, postgres, redis, round_number):
    run = Run(
        prefix=f"load-{round_number}-{name}",
        total=args.comments,
        urls=urls,
        min_seconds=args.min_seconds,
    )
    run.numbers_done = lambda: all(not t.is_alive() for t in threads)
    record = {}
    # Daemons, joined a second at a time: Ctrl-C stops the run and its services at once.
    threads = [
        threading.Thread(target=client, args=(run, n), daemon=True) for n in range(args.clients)
    ]
    striker = None
    if name != "calm":
        striker = threading.Thread(
            target=strike,
            args=(name, run),
            daemon=True,
            kwargs={
                "at": int(args.comments * args.fault_at),
                "postgres": postgres,
                "redis": redis,
                "down": args.down,
                "record": record,
            },
        )
    print(f"==> {name}: {args.comments} comments from {args.clients} clients", flush=True)
    started = time.monotonic()
    for thread in threads:
        thread.start()
    if striker:
        striker.start()
    for thread in threads:
        while thread.is_alive():
            thread.join(timeout=1)
    elapsed = time.monotonic() - started
    if striker:
        striker.join()
    counts = tally(run.log, stored_counts(postgres.url, run.prefix))
    other_5xx = sum(n for status, n in run.statuses.items() if status >= 500 and status != 503)
    result = {
        "scenario": name,
        "seconds": round(elapsed, 1),
        "accepted per second": round(counts["confirmed"] / elapsed, 1),
        "post p50 ms": round(percentile(run.post_ms, 0.5), 1),
        "post p99 ms": round(percentile(run.post_ms, 0.99), 1),
        "503": run.statuses[503],
        "posts answered 503": run.posts_unavailable,
        "no answer": run.statuses[0],
        "retries": run.retries,
        "other 5xx": other_5xx,
        "statuses": dict(sorted(run.statuses.items())),
        **counts,
        **record,
    }
    for failure in run.failures[:5]:
        print("    5xx:", failure)
    for no_answer in run.no_answers[:5]:
        print("    no answer:", no_answer)
    print("    " + json.dumps(result), flush=True)
    return result


def report(results, args):
    today = datetime.date.today().isoformat()
    lines = [
        f"Comment load with faults, {today}: own PostgreSQL 15 and Redis, gunicorn "
        f"{args.workers} workers x {args.threads} threads, DEBUG off, page cache on, "
        f"{args.clients} clients, {args.comments} comments per scenario, "
        f"minimum seconds {args.min_seconds}.",
        "",
        "| scenario | accepted/s | post p50 ms | post p99 ms | 503 (posts) | retries | lost "
        "| doubled | other 5xx | confirmed | recognised duplicates | unconfirmed | refused |",
        "| --- " + "| ---: " * 12 + "|",
    ]
    for r in results:
        lines.append(
            f"| {r['scenario']} | {r['accepted per second']} | {r['post p50 ms']} "
            f"| {r['post p99 ms']} | {r['503']} ({r['posts answered 503']}) | {r['retries']} "
            f"| {r['lost']} | {r['doubled']} "
            f"| {r['other 5xx']} | {r['confirmed']} | {r['recognised duplicates']} "
            f"| {r['unconfirmed']} | {r['refused']} |"
        )
    lines += ["", "```", *(json.dumps(r) for r in results), "```"]
    text = "\n".join(lines)
    print()
    print(text)
    results_dir = ROOT / "bench" / "results"
    results_dir.mkdir(parents=True, exist_ok=True)
    path = results_dir / f"comment-load-{datetime.datetime.now():%Y%m%d-%H%M%S}.md"
    path.write_text(text + "\n")
    print(f"\nSaved to {path.relative_to(ROOT)}")


def failed(result):
    return (
        result["lost"]
        or result["doubled"]
        or result["other 5xx"]
        or result["refused but stored"]
        or result["stored without a post"]
        or (result["scenario"] != "postgres-restart" and result["503"])
    )


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--comments", type=int, default=10_000, help="per scenario")
    parser.add_argument("--clients", type=int, default=64)
    parser.add_argument("--scenarios", nargs="+", choices=SCENARIOS, default=list(SCENARIOS))
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4, help="gunicorn threads per worker")
    parser.add_argument(
        "--min-seconds",
        type=int,
        default=1,
        help="the discussion's minimum seconds to write, which every commenter waits",
    )
    parser.add_argument("--articles", type=int, default=12, help="articles commented on")
    parser.add_argument("--fault-at", type=float, default=0.4, help="share of comments")
    parser.add_argument("--down", type=float, default=3.0, help="seconds Redis stays away")
    args = parser.parse_args(argv)

    postgres, redis = Postgres(POSTGRES_PORT), Redis(REDIS_PORT)
    static_root = Path(tempfile.mkdtemp(prefix="newsroom-load-static-"))
    server = None
    results = []
    try:
        print("==> Starting PostgreSQL and Redis of our own", flush=True)
        postgres.start()
        redis.start()
        env = environment(postgres, redis, static_root)
        print("==> Loading the demo newsroom", flush=True)
        urls = prepare(env, min_seconds=args.min_seconds, articles=args.articles)
        print(f"==> gunicorn, {args.workers} workers x {args.threads} threads", flush=True)
        server = start_gunicorn(env, args.workers, args.threads)
        for number, name in enumerate(args.scenarios, 1):
            results.append(
                scenario(
                    name,
                    args=args,
                    urls=urls,
                    postgres=postgres,
                    redis=redis,
                    round_number=number,
                )
            )
    finally:
        if server is not None:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)
        redis.stop()
        postgres.stop()
        shutil.rmtree(static_root, ignore_errors=True)
    report(results, args)
    if any(failed(result) for result in results):
        raise SystemExit("Some comments were lost, doubled or answered with an error.")
    return results


if __name__ == "__main__":
    main()

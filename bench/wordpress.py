"""Import a large made-up WordPress export into PostgreSQL and report the time and peak memory.

    .venv/bin/python bench/wordpress.py                        # 10,000 posts, 100,000 comments
    .venv/bin/python bench/wordpress.py --posts 1000 --comments-per-post 5

Writes the export with the tests' WXR builder (streamed, never held in memory), into a fresh
database, then runs `manage.py import_wordpress` in a child process and reports its wall
time, its peak resident memory (getrusage of the child) and the rows it made. A second run
of the same file follows, which must create nothing.
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from run import PYTHON, RESULTS, environment  # noqa: E402

from tests.articles.wordpress.builder import (  # noqa: E402
    WXRAuthor,
    WXRComment,
    WXRItem,
    write_wxr,
)

DEFAULT_DATABASE = "postgres://postgres@127.0.0.1:5432/newsroom_bench_wordpress"
SECTIONS = [("harbour", "Harbour", ""), ("council", "Council", ""), ("schools", "Schools", "")]
TAGS = [(f"topic-{n}", f"Topic {n}") for n in range(50)]
STATUSES = ["1"] * 7 + ["0", "spam", "trash"]


def items(posts: int, comments_per_post: int):
    """Posts with threads: every third comment answers the one before it; one in 20 is a ping."""
    comment_id = 0
    for post in range(1, posts + 1):
        comments = []
        for n in range(comments_per_post):
            comment_id += 1
            kind = "pingback" if n % 20 == 19 else "comment"
            comments.append(
                WXRComment(
                    comment_id,
                    content=f"Reader comment {comment_id} on the harbour works.\n\nA second line.",
                    author=f"Reader {comment_id % 997}",
                    author_email=f"reader{comment_id % 997}@mail.example",
                    approved=STATUSES[n % len(STATUSES)],
                    type=kind,
                    parent=comment_id - 1 if n % 3 == 2 else 0,
                )
            )
        yield WXRItem(
            post,
            title=f"Harbour report number {post}",
            slug=f"harbour-report-{post}",
            content=(
                f"<!-- wp:paragraph --><p>Report {post}: the quay, the ferries and the tides."
                "</p><!-- /wp:paragraph -->\n<!-- wp:paragraph --><p>More detail follows, "
                'with <a href="https://example.org/">a link</a>.</p><!-- /wp:paragraph -->'
            ),
            creator=f"writer{post % 12}",
            categories=[
                ("category", *SECTIONS[post % 3][:2]),
                ("post_tag", *TAGS[post % 50]),
                ("post_tag", *TAGS[(post * 7) % 50]),
            ],
            comments=comments,
            sticky=post % 500 == 0,
        )


def write_export(path: Path, posts: int, comments_per_post: int) -> None:
    with path.open("w", encoding="utf-8") as stream:
        write_wxr(
            stream,
            items=items(posts, comments_per_post),
            authors=[WXRAuthor(n, f"writer{n}", display_name=f"Writer {n}") for n in range(12)],
            categories=SECTIONS,
            tags=TAGS,
        )


def manage(*args, env):
    return subprocess.run(
        [PYTHON, str(ROOT / "manage.py"), *args],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    )


def reset_database(database_url: str) -> None:
    name = database_url.rsplit("/", 1)[1]
    server = database_url.rsplit("/", 1)[0] + "/postgres"
    subprocess.run(["psql", server, "-qc", f'DROP DATABASE IF EXISTS "{name}"'], check=True)
    subprocess.run(["psql", server, "-qc", f'CREATE DATABASE "{name}"'], check=True)


def _cpu(usage) -> float:
    return usage.ru_utime + usage.ru_stime


def timed_import(path: Path, env) -> tuple[float, float, float, str]:
    """(seconds, CPU seconds of the child, peak MB of the child, summary) of one import.

    The CPU time (user and system, of the importing process alone, not of PostgreSQL) is
    the figure to compare on a shared machine, where the wall time follows the load.
    """
    started = time.perf_counter()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    result = manage("import_wordpress", str(path), "-v", "1", env=env)
    seconds = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    # ru_maxrss of children is the largest of any child so far, in kB on Linux.
    peak = max(after.ru_maxrss, before.ru_maxrss) / 1024
    return seconds, _cpu(after) - _cpu(before), peak, result.stdout


def _load() -> str:
    return " ".join(f"{value:.1f}" for value in os.getloadavg())


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--posts", type=int, default=10_000)
    parser.add_argument("--comments-per-post", type=int, default=10)
    parser.add_argument("--database-url", default=DEFAULT_DATABASE)
    options = parser.parse_args()
    env = environment(options.database_url)
    reset_database(options.database_url)
    manage("migrate", "-v", "0", env=env)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "export.xml"
        started = time.perf_counter()
        write_export(path, options.posts, options.comments_per_post)
        size_mb = path.stat().st_size / 1_000_000
        print(f"Export: {size_mb:.1f} MB written in {time.perf_counter() - started:.1f} s")
        print(f"Load average before the import: {_load()}")
        seconds, cpu, peak_mb, summary = timed_import(path, env)
        print(
            f"First import: {seconds:.1f} s, CPU {cpu:.1f} s, peak memory {peak_mb:.0f} MB "
            f"(load average after: {_load()})"
        )
        print(summary)
        again, again_cpu, again_peak_mb, again_summary = timed_import(path, env)
        print(
            f"Second import of the same file: {again:.1f} s, CPU {again_cpu:.1f} s, "
            f"peak memory {again_peak_mb:.0f} MB (load average after: {_load()})"
        )
        print(again_summary)
    RESULTS.mkdir(exist_ok=True)
    result = {
        "posts": options.posts,
        "comments": options.posts * options.comments_per_post,
        "export_mb": round(size_mb, 1),
        "first_import_seconds": round(seconds, 1),
        "first_import_cpu_seconds": round(cpu, 1),
        "second_import_seconds": round(again, 1),
        "second_import_cpu_seconds": round(again_cpu, 1),
        "peak_memory_mb": round(max(peak_mb, again_peak_mb)),
    }
    (RESULTS / "wordpress.json").write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()

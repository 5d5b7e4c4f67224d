"""Instructions per render of reader pages, counted by callgrind: warm, and cold after a change.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/newsroom_peers PAGE_CACHE_SECONDS=0 \
        .venv/bin/python bench/callgrind.py /news/2025/06/16/council-approves-river-bridge-plan/

CPU time on a shared machine moves with the load; the instructions a render executes do
not. The script runs itself under valgrind's callgrind (apt-get install valgrind), with
collection on only inside operator.call, and makes each render inside one such call, so
that each of callgrind's dumps is one render. It prints, for each page, the median
instructions of a warm render (nothing changed since the last one) and of a cold one (the
first after pagecache.touch(SITE), as after any publication), and their ratio. The settings
come from the environment, as for manage.py; the page cache must be off. Under valgrind
Python runs some fifty times slower: one page with the default 10 renders of each kind
takes about a minute and a half.
"""

import argparse
import json
import operator
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHILD = "NEWSROOM_CALLGRIND_LABELS"


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="+", metavar="PATH", help="Pages to render.")
    parser.add_argument(
        "--renders", type=int, default=10, metavar="N", help="Renders of each kind per page."
    )
    args = parser.parse_args(argv)
    if args.renders < 1:
        parser.error("--renders must be at least 1.")
    if os.environ.get(CHILD):
        render(args.paths, args.renders, Path(os.environ[CHILD]))
        return
    if not shutil.which("valgrind"):
        raise SystemExit("valgrind is not installed: apt-get install -y valgrind")
    with tempfile.TemporaryDirectory() as folder:
        labels = Path(folder) / "labels.json"
        subprocess.run(
            [
                "valgrind", "--tool=callgrind", "--collect-atstart=no",
                "--toggle-collect=_operator_call", "--dump-after=_operator_call",
                f"--callgrind-out-file={folder}/render.%p", sys.executable, __file__, *argv,
            ],
            env=dict(os.environ, **{CHILD: str(labels)}, PYTHONHASHSEED="0"),
            check=True,
        )  # fmt: skip
        report(json.loads(labels.read_text()), sorted_dumps(Path(folder)))


def render(paths, renders, labels_file):
    """Inside valgrind: each render inside operator.call, its label in order to `labels_file`."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.test import Client

    from newsroom import pagecache
    from newsroom.warmup import warm_up

    if settings.PAGE_CACHE_SECONDS:
        raise SystemExit("Set PAGE_CACHE_SECONDS=0: with the page cache on, nothing is rendered.")
    warm_up()  # as a gunicorn worker is before its first request (newsroom/wsgi.py)
    client = Client()

    def get(path):
        response = client.get(path)
        if response.status_code != 200:
            raise SystemExit(f"{path} answered {response.status_code}.")

    for path in paths:
        for _ in range(3):  # the first renders fill the process's own caches
            pagecache.touch(pagecache.SITE)
            get(path)
            get(path)
    labels = []
    for _ in range(renders):
        for path in paths:
            get(path)  # after another page's change of the site, a render to be warm again
            operator.call(get, path)
            labels.append([path, "warm"])
            pagecache.touch(pagecache.SITE)
            operator.call(get, path)
            labels.append([path, "cold"])
    labels_file.write_text(json.dumps(labels))


def sorted_dumps(folder):
    """The instructions of each dump, in the order callgrind wrote them (render.PID.N)."""
    dumps = []
    for path in folder.glob("render.*.*"):
        text = path.read_text()
        found = re.search(r"^summary: (\d+)", text, re.M) or re.search(
            r"^totals: (\d+)", text, re.M
        )
        dumps.append((int(path.name.rsplit(".", 1)[1]), int(found.group(1)) if found else 0))
    return [instructions for _, instructions in sorted(dumps)]


def report(labels, dumps):
    if len(dumps) != len(labels):
        raise SystemExit(f"{len(dumps)} dumps for {len(labels)} renders: was operator.call used?")
    counts = {}
    for (path, kind), instructions in zip(labels, dumps, strict=True):
        counts.setdefault(path, {"warm": [], "cold": []})[kind].append(instructions / 1e6)
    print(f"{'page':<56} {'warm':>9} {'cold, site':>11} {'cold / warm':>12}")
    for path, found in counts.items():
        warm, cold = statistics.median(found["warm"]), statistics.median(found["cold"])
        print(f"{path:<56} {warm:>8.2f}M {cold:>10.2f}M {cold / warm:>12.3f}")
    print("Medians of each kind's renders, in millions of instructions.")


if __name__ == "__main__":
    main()

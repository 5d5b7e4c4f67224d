"""Render times of reader pages in one process: warm, cold, and where the time goes.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/newsroom_peers PAGE_CACHE_SECONDS=0 \
        .venv/bin/python bench/render.py / /news/2025/06/16/council-approves-river-bridge-plan/

Each page is rendered through the URL config with Django's test client, in the settings of
the environment (as manage.py), with no server and no network between: the figures are the
application's own cost, free of the noise a load generator on the same machine adds, which
makes them the ones to compare before and after a change. "Warm" is a page rendered again
with nothing of it changed (the page cache must be off: PAGE_CACHE_SECONDS=0); "cold" is the
first render after a change anywhere on the site (pagecache.touch_site()), which is what
every page pays once after a publication. --profile prints where one page's CPU time goes,
in warm renders or (--profile site, --profile all) in cold ones, which are what a change of
the site costs.
"""

import argparse
import cProfile
import os
import pstats
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="+", metavar="PATH", help="Pages to render.")
    parser.add_argument(
        "--renders", type=int, default=200, metavar="N", help="Warm renders per round."
    )
    parser.add_argument(
        "--cold", type=int, default=30, metavar="N", help="Cold renders of each kind per round."
    )
    parser.add_argument("--rounds", type=int, default=3, metavar="N")
    parser.add_argument(
        "--profile",
        nargs="?",
        const="warm",
        choices=("warm", "site", "all"),
        help="Print the functions taking the most CPU time in warm renders (the default) or "
        "in cold ones after a change of the site or of every version the page reads.",
    )
    args = parser.parse_args(argv)
    if min(args.renders, args.cold, args.rounds) < 1:
        parser.error("--renders, --cold and --rounds must be at least 1.")

    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.db import transaction
    from django.test import Client

    from newsroom import pagecache

    if settings.PAGE_CACHE_SECONDS:
        parser.error("Set PAGE_CACHE_SECONDS=0: with the page cache on, nothing is rendered.")
    client = Client()

    def get(path):
        response = client.get(path)
        if response.status_code != 200:
            raise SystemExit(f"{path} answered {response.status_code}.")
        return response

    def warm(path):
        started, cpu = time.perf_counter(), time.process_time()
        for _ in range(args.renders):
            get(path)
        return [
            (time.perf_counter() - started) * 1000 / args.renders,
            (time.process_time() - cpu) * 1000 / args.renders,
        ]

    def versions_read(path):
        """The names of the versions a render of the page read (pagecache.memo)."""
        return sorted(getattr(get(path).wsgi_request, "_page_versions", {}))

    def cold(path, names):
        wall = cpu = 0.0
        for _ in range(args.cold):
            with transaction.atomic():
                pagecache.touch(*names)
            started, cpu_started = time.perf_counter(), time.process_time()
            get(path)
            wall += time.perf_counter() - started
            cpu += time.process_time() - cpu_started
        return [wall * 1000 / args.cold, cpu * 1000 / args.cold]

    kinds = ("warm", "site", "all")
    results = {path: {kind: [] for kind in kinds} for path in args.paths}
    every_version = {}
    for path in args.paths:
        for _ in range(5):
            get(path)
        every_version[path] = versions_read(path)
    for _ in range(args.rounds):
        for path in args.paths:
            results[path]["warm"].append(warm(path))
            results[path]["site"].append(cold(path, [pagecache.SITE]))
            results[path]["all"].append(cold(path, every_version[path]))
    print(
        f"{'page':<52} {'warm ms (cpu)':>15} {'cold, site':>15} {'cold, all':>15}"
        f" {'cpu cold/warm':>14}"
    )
    for path, found in results.items():
        ms = {
            kind: [statistics.median(values) for values in zip(*found[kind], strict=True)]
            for kind in kinds
        }
        print(
            f"{path:<52}"
            + "".join(f" {ms[kind][0]:>7.2f} ({ms[kind][1]:>5.2f})" for kind in kinds)
            + f" {ms['site'][1] / ms['warm'][1]:>6.2f} {ms['all'][1] / ms['warm'][1]:>6.2f}"
        )
    print("versions moved for 'all':")
    for path, names in every_version.items():
        print(f"  {path}: {', '.join(names)}")

    if args.profile:
        for path in args.paths:
            # CPU time, not wall-clock: on a shared machine waiting for a core is not a cost.
            profile = cProfile.Profile(time.process_time)
            renders = args.renders if args.profile == "warm" else args.cold
            names = {"site": [pagecache.SITE], "all": every_version[path]}.get(args.profile)
            for _ in range(renders):
                if names:
                    with transaction.atomic():
                        pagecache.touch(*names)
                profile.enable()
                get(path)
                profile.disable()
            print(f"\n{path}, {renders} renders ({args.profile}):")
            pstats.Stats(profile).sort_stats("cumulative").print_stats(30)


if __name__ == "__main__":
    main()

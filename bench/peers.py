"""Newsroom side by side with WordPress and Wagtail, on the same content, in one run.

    make bench-peers
    .venv/bin/python bench/peers.py --rounds 3 --duration 10

The peers harness (WordPress with a block and a classic theme, Wagtail, and nginx serving
WordPress's post as a plain file) is installed once into var/peers from a copy of its
folder (--peers-source), then started. Newsroom is loaded with the same content
(content/article.json: the feature article with 50 threaded comments, 200 other stories, one
author, two categories, five tags) into its own PostgreSQL database, served by gunicorn with
2 workers, DEBUG off and the page cache off, and measured by the harness's bench_peers.sh in
interleaved rounds. The table it prints has req/s, latency and server CPU per request, and
ratios to the first target (Wagtail's article). Only 127.0.0.1 is ever contacted.
"""

import argparse
import datetime
import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from run import HOST, PYTHON, ROOT, create_database, environment, wait_until_up  # noqa: E402

PORT = 8130
FEATURE_DATE = datetime.datetime(2025, 6, 16, 9, 0, tzinfo=datetime.UTC)
RESULTS = ROOT / "bench" / "results"


def load(content_path: Path) -> None:
    """Load the peers' content into the database of DATABASE_URL (run inside Django)."""
    sys.path.insert(0, str(ROOT))
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
    django.setup()

    from django.db import transaction
    from django.utils.html import escape
    from django.utils.text import slugify

    from articles.models import Article, Byline, Section, Tag
    from authors.models import Author
    from comments.models import Comment

    data = json.loads(content_path.read_text())
    feature = data["article"]
    if Article.objects.filter(slug=feature["slug"]).exists():
        print("==> The peers' content is loaded already")
        return

    def paragraphs(texts):
        return "".join(f"<p>{escape(text)}</p>" for text in texts)

    with transaction.atomic():
        sections = {
            name: Section.objects.get_or_create(
                slug=slugify(name), defaults={"name": name, "position": position}
            )[0]
            for position, name in enumerate(data["categories"])
        }
        tags = {
            name: Tag.objects.get_or_create(slug=slugify(name), defaults={"name": name})[0]
            for name in data["tags"]
        }
        person = data["author"]
        author, _ = Author.objects.get_or_create(
            slug=slugify(person["display_name"]),
            defaults={"name": person["display_name"], "bio": person["bio"]},
        )

        def story(*, headline, slug, standfirst, body, section, tag_names, published_at):
            article = Article(
                headline=headline,
                slug=slug,
                standfirst=standfirst,
                body=body,
                section=section,
                status=Article.Status.PUBLISHED,
                published_at=published_at,
            )
            article.save()
            Byline.objects.create(article=article, author=author, position=0)
            article.tags.set([tags[name] for name in tag_names])
            return article

        body = feature["paragraphs"]
        middle = len(body) // 2
        article = story(
            headline=feature["title"],
            slug=feature["slug"],
            standfirst=feature["intro"],
            body=paragraphs(body[:middle]) + f"<blockquote><p>{escape(feature['quote'])}</p>"
            f"<cite>{escape(feature['quote_cite'])}</cite></blockquote>"
            + paragraphs(body[middle:]),
            section=sections[data["categories"][0]],
            tag_names=data["tags"],
            published_at=FEATURE_DATE,
        )
        taken = {feature["slug"]}
        for post in data["other_posts"]:
            slug = slugify(post["title"])[:80]
            while slug in taken:
                slug += "-2"
            taken.add(slug)
            story(
                headline=post["title"],
                slug=slug,
                standfirst=post["paragraphs"][0][:280],
                body=paragraphs(post["paragraphs"]),
                section=sections[post["category"]],
                tag_names=[name for name in post["tags"] if name in tags],
                published_at=FEATURE_DATE
                - datetime.timedelta(hours=float(post["hours_before_feature"])),
            )

        saved = []
        for entry in data["comments"]:
            parent = saved[entry["parent"]] if entry["parent"] is not None else None
            comment = Comment(
                article=article,
                parent=parent,
                depth=parent.depth + 1 if parent else 1,
                author_name=entry["author"],
                author_email=entry["email"],
                author_url=entry["url"],
                body=entry["text"],
                status=Comment.Status.APPROVED,
            )
            comment.save()
            # created_at is set on insert; the thread's order follows the content's times.
            Comment.objects.filter(pk=comment.pk).update(
                created_at=FEATURE_DATE + datetime.timedelta(minutes=entry["minutes_after_post"])
            )
            saved.append(comment)
    print(f"==> Loaded {len(data['other_posts']) + 1} stories and {len(data['comments'])} comments")


def install_peers(folder: Path, source: Path) -> None:
    if (folder / "state" / "venv").exists():
        return
    if not source.is_dir():
        raise SystemExit(f"No peers harness at {source}: give its folder with --peers-source.")
    print(f"==> Installing the peers into {folder} (once; about five minutes)")
    shutil.copytree(source, folder, dirs_exist_ok=True)
    subprocess.run(["chmod", "-R", "u+w", str(folder)], check=True)
    subprocess.run([str(folder / "setup_peers.sh")], cwd=folder, check=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--database-url",
        default=os.environ.get(
            "BENCH_PEERS_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/newsroom_peers"
        ),
    )
    parser.add_argument(
        "--redis-url", default=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/11")
    )
    parser.add_argument("--peers", type=Path, default=ROOT / "var" / "peers")
    parser.add_argument("--peers-source", type=Path, default=ROOT.parent / "shared" / "peers")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--load-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.load_only:
        load(args.peers / "content" / "article.json")
        return
    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed: apt-get install -y wrk")

    peers = args.peers.resolve()
    install_peers(peers, args.peers_source.resolve())
    env = environment(args.database_url)
    # As in production: Redis keeps the parts of pages that change only with the site.
    env.update(SITE_URL=f"http://{HOST}:{PORT}", REDIS_URL=args.redis_url)
    create_database(args.database_url)

    def manage(*arguments):
        subprocess.run([PYTHON, "manage.py", *arguments], cwd=ROOT, env=env, check=True)

    manage("migrate", "--verbosity", "0")
    subprocess.run(
        [PYTHON, str(Path(__file__).resolve()), "--load-only", "--peers", str(peers)],
        cwd=ROOT,
        env=env,
        check=True,
    )
    manage("collectstatic", "--noinput", "--verbosity", "0")

    pidfile = peers / "run" / "newsroom-gunicorn.pid"
    server = subprocess.Popen(
        [
            PYTHON, "-m", "gunicorn", "newsroom.wsgi", "--bind", f"{HOST}:{PORT}",
            "--workers", "2", "--log-level", "warning", "--pid", str(pidfile),
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
    )  # fmt: skip
    subprocess.run([str(peers / "start_peers.sh")], cwd=peers, check=True)
    try:
        base = f"http://{HOST}:{PORT}"
        wait_until_up(base + "/")
        feature = f"{base}/news/2025/06/16/council-approves-river-bridge-plan/"
        pidfiles = " ".join(str(p) for p in sorted((peers / "run").glob("*.pid")))
        out = RESULTS / f"peers-{datetime.datetime.now():%Y%m%d-%H%M%S}"
        bench_env = dict(
            os.environ,
            BENCH_PIDFILES=pidfiles,
            ROUNDS=str(args.rounds),
            DURATION=str(args.duration),
            OUT=str(out),
        )
        subprocess.run(
            [
                str(peers / "bench_peers.sh"),
                "wagtail-article=http://127.0.0.1:18082/news/council-approves-river-bridge-plan/",
                "wp-post-tt1=http://127.0.0.1:18084/2025/06/16/council-approves-river-bridge-plan/",
                "wp-post=http://127.0.0.1:18081/2025/06/16/council-approves-river-bridge-plan/",
                "wagtail-index=http://127.0.0.1:18082/news/",
                f"newsroom-article={feature}",
                f"newsroom-front={base}/",
            ],
            cwd=peers,
            env=bench_env,
            check=True,
        )
    finally:
        subprocess.run([str(peers / "stop_peers.sh")], cwd=peers, check=False)
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)


if __name__ == "__main__":
    main()

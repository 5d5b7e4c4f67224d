import sys
from pathlib import Path
from urllib.parse import urlsplit

from django.core.management.base import BaseCommand, CommandError

from articles.models import Section
from articles.wordpress.importer import BATCH_SIZE, ImportRun
from articles.wordpress.media import MediaSource
from articles.wordpress.wxr import WXRError


class Command(BaseCommand):
    help = (
        "Import a WordPress export (Tools -> Export -> All content) as authors, sections, "
        "tags, pictures, articles and comments. Running it again with the same or a newer "
        "file updates them."
    )

    def add_arguments(self, parser):
        parser.add_argument("export", help="The WXR file (.xml) WordPress exported.")
        parser.add_argument(
            "--site",
            default="",
            help="A name for the old site (default: its host name from the file). Imports "
            "of the same site update each other.",
        )
        parser.add_argument(
            "--default-section",
            default="",
            metavar="SLUG",
            help="The section of posts that have no category.",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Go through the whole import and report, then save nothing.",
        )
        pictures = parser.add_mutually_exclusive_group()
        pictures.add_argument(
            "--media-from",
            default="",
            metavar="DIR",
            help="A local copy of the old site's wp-content/uploads folder.",
        )
        pictures.add_argument(
            "--media-base-url",
            default="",
            metavar="URL",
            help="Fetch the pictures from the old site at this address (http or https).",
        )
        parser.add_argument(
            "--create-staff",
            action="store_true",
            help="Also create an inactive staff account (no password, Writer group) for "
            "each author.",
        )
        parser.add_argument(
            "--batch-size",
            type=int,
            default=BATCH_SIZE,
            metavar="N",
            help=f"Items imported per transaction (default {BATCH_SIZE}). A batch that fails "
            "is imported again one item at a time.",
        )
        parser.add_argument(
            "--overwrite",
            action="store_true",
            help="Replace articles edited here since the last import by the export's version.",
        )

    def handle(self, *args, export, site, default_section, dry_run, **options):
        path = Path(export)
        if not path.is_file():
            raise CommandError(f"No file at {export}.")
        section = None
        if default_section:
            section = Section.objects.filter(slug=default_section).first()
            if section is None:
                raise CommandError(f'No section has the slug "{default_section}".')
        media_from = options["media_from"]
        if media_from and not Path(media_from).is_dir():
            raise CommandError(f"No folder at {media_from}.")
        base_url = options["media_base_url"].strip()
        if base_url:
            parts = urlsplit(base_url)
            if parts.scheme not in {"http", "https"} or not parts.hostname:
                raise CommandError(
                    f"--media-base-url must be an http or https address, not {base_url!r}."
                )
        if options["batch_size"] < 1:
            raise CommandError("--batch-size must be at least 1.")
        self.verbosity = options["verbosity"]
        self.bar_shown = False
        run = ImportRun(
            site=site.strip(),
            default_section=section,
            dry_run=dry_run,
            overwrite=options["overwrite"],
            create_staff=options["create_staff"],
            media_source=MediaSource(
                media_from=Path(media_from) if media_from else None, media_base_url=base_url
            ),
            progress=self.progress if self._bar_wanted() else None,
            batch_size=options["batch_size"],
        )
        try:
            summary = run.run(path)
        except WXRError as error:
            raise CommandError(f"{path.name}: {error} Nothing was imported.") from None
        finally:
            if self.bar_shown:
                self.stderr.write("")
        self.report(run, summary, dry_run)

    def _bar_wanted(self) -> bool:
        stream = getattr(self.stderr, "_out", sys.stderr)
        return self.verbosity > 0 and hasattr(stream, "isatty") and stream.isatty()

    def progress(self, done: int, total: int) -> None:
        # Redrawn on one line, at most once per percent.
        total = max(total, 1)
        if done != total and done * 100 // total == (done - 1) * 100 // total:
            return
        width = 30
        filled = width * done // total
        self.bar_shown = True
        self.stderr.write(
            f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total} items", ending=""
        )
        self.stderr.flush()

    def report(self, run, summary, dry_run) -> None:
        self.stdout.write(f"Site: {run.site}" + (" (dry run: nothing saved)" if dry_run else ""))
        for name, count in sorted(summary.counts.items()):
            self.stdout.write(f"  {name}: {count}")
        if summary.unknown_shortcodes:
            listed = ", ".join(
                f"[{name}] x{count}" for name, count in summary.unknown_shortcodes.most_common()
            )
            self.stdout.write(f"Shortcodes left as text: {listed}")
        if summary.upload_urls:
            self.stdout.write(
                f"Images still on the old site's uploads: {len(summary.upload_urls)} "
                "(give --media-from or --media-base-url to bring them in)."
            )
        if summary.skipped:
            self.stdout.write(f"Left out ({len(summary.skipped)}):")
            for skipped in summary.skipped:
                self.stdout.write(f'  #{skipped.post_id} "{skipped.title}": {skipped.reason}')
        if summary.conflicts:
            self.stdout.write(f"Edited here since the last import ({len(summary.conflicts)}):")
            for conflict in summary.conflicts:
                self.stdout.write(f"  {conflict}")
        for problem in summary.problems:
            self.stderr.write(f"  {problem}")

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from articles.models import Section
from articles.wordpress.importer import ImportRun
from articles.wordpress.wxr import WXRError


class Command(BaseCommand):
    help = (
        "Import a WordPress export (Tools -> Export -> All content) as authors, sections, "
        "tags and articles. Running it again with the same or a newer file updates them."
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

    def handle(self, *args, export, site, default_section, dry_run, **options):
        path = Path(export)
        if not path.is_file():
            raise CommandError(f"No file at {export}.")
        section = None
        if default_section:
            section = Section.objects.filter(slug=default_section).first()
            if section is None:
                raise CommandError(f'No section has the slug "{default_section}".')
        run = ImportRun(site=site.strip(), default_section=section, dry_run=dry_run)
        try:
            summary = run.run(path)
        except WXRError as error:
            raise CommandError(f"{path.name}: {error} Nothing was imported.") from None
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
                "(they show once the media library has them)."
            )
        for problem in summary.problems:
            self.stderr.write(f"  {problem}")

import json
import time

from django.core.management.base import BaseCommand, CommandError
from django.core.serializers.json import DjangoJSONEncoder

from comments import privacy


class Command(BaseCommand):
    help = (
        "Commenters' personal data. `export --email ADDRESS` prints everything stored about "
        "a commenter as JSON; `erase --email ADDRESS` removes their personal data from every "
        "comment they wrote; `purge` applies the retention settings (safe to run every hour)."
    )

    def add_arguments(self, parser):
        commands = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        export = commands.add_parser("export", help="a commenter's data as JSON")
        export.add_argument("--email", required=True, help="the address they commented with")
        export.add_argument("--output", help="write the JSON to this file instead of stdout")
        erase = commands.add_parser("erase", help="erase a commenter's personal data")
        erase.add_argument("--email", required=True, help="the address they commented with")
        erase.add_argument(
            "--remove-text",
            action="store_true",
            default=None,
            help="remove the text of their published comments too (COMMENTS_ERASE_TEXT)",
        )
        purge = commands.add_parser("purge", help="apply the retention settings")
        purge.add_argument("--batch-size", type=int, help="rows per transaction")

    def handle(self, *args, action, **options):
        try:
            getattr(self, action)(**options)
        except privacy.UnknownCommenter as unknown:
            raise CommandError(str(unknown)) from None

    def export(self, *, email, output=None, **options):
        text = json.dumps(privacy.export(email), cls=DjangoJSONEncoder, indent=2)
        if output:
            with open(output, "w", encoding="utf-8") as file:
                file.write(text + "\n")
            self.stdout.write(f"Wrote the data of {email} to {output}.")
        else:
            self.stdout.write(text)

    def erase(self, *, email, remove_text=None, **options):
        count = privacy.erase(email, remove_text=remove_text)
        self.stdout.write(f"Erased the personal data of {email} from {count} comment(s).")

    def purge(self, *, batch_size=None, **options):
        started = time.monotonic()
        report = privacy.purge(batch_size=batch_size)
        if options["verbosity"] >= 1:
            self.stdout.write(f"{report} ({time.monotonic() - started:.1f} s)")

from django.core.management.base import BaseCommand

from articles.popular import fold_reads


class Command(BaseCommand):
    help = (
        "Adds the reads waiting in the shared cache to the hourly read counts that the "
        '"Most read" list uses. The read endpoint does this by itself about once a minute; '
        "run this from a scheduler on quiet sites, or before reading the counts."
    )

    def handle(self, *args, **options):
        added = fold_reads()
        self.stdout.write(f"{added} read(s) folded into the read counts.")

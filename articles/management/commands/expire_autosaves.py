from django.core.management.base import BaseCommand

from articles import autosave, conf


class Command(BaseCommand):
    help = "Deletes unsaved copies of article forms older than ARTICLE_AUTOSAVE_MAX_AGE_DAYS."

    def handle(self, *args, **options):
        count = autosave.expire()
        days = conf.autosave_max_age().days
        self.stdout.write(f"Deleted {count} autosaves older than {days} days.")

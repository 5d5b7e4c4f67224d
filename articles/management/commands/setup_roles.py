from django.core.management.base import BaseCommand

from articles.roles import setup_roles


class Command(BaseCommand):
    help = "Create or update the Writer, Editor and Comment moderator groups."

    def handle(self, *args, **options):
        for name, group in setup_roles().items():
            self.stdout.write(f"{name}: {group.permissions.count()} permissions")

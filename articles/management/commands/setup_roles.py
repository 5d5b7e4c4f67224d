from importlib import import_module

from django.apps import apps
from django.core.management.base import BaseCommand
from django.utils.module_loading import module_has_submodule

from articles.roles import setup_roles


class Command(BaseCommand):
    help = (
        "Create or update the Writer and Editor groups, and the groups and grants of every "
        "installed app that has a roles module."
    )

    def handle(self, *args, **options):
        groups = setup_roles()
        # Other apps define their own groups and add their permissions to these.
        for config in apps.get_app_configs():
            if config.name != "articles" and module_has_submodule(config.module, "roles"):
                groups.update(import_module(f"{config.name}.roles").setup_roles())
        for name, group in groups.items():
            self.stdout.write(f"{name}: {group.permissions.count()} permissions")

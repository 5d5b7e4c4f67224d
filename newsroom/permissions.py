"""Permissions made early, for the data migrations that grant them to the roles."""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions


def ensure_permissions(label, apps=global_apps):
    """Create an app's permissions now: on a new database Django only does so after all
    migrations have run, too late for the data migrations that grant them."""
    config = apps.get_app_config(label)
    # A migration's app registry has no models module; create_permissions wants one.
    stub = not getattr(config, "models_module", None)
    if stub:
        config.models_module = True
    create_permissions(config, verbosity=0, apps=apps)
    if stub:
        config.models_module = None

"""What the newsroom's roles may do with comments, applied by a data migration and setup_roles.

The groups themselves belong to articles.roles; this adds the comment permissions to them
and leaves everything else a group has alone.
"""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions

GROUPS = ("Comment moderator", "Editor")
CODENAMES = (
    "view_comment",
    "change_comment",
    "moderate_comment",
    "view_discussionsettings",
)


def setup_roles(apps=global_apps):
    config = apps.get_app_config("comments")
    # A migration's app registry has no models module; create_permissions wants one.
    stub = not getattr(config, "models_module", None)
    if stub:
        config.models_module = True
    create_permissions(config, verbosity=0, apps=apps)
    if stub:
        config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permissions = list(
        Permission.objects.filter(content_type__app_label="comments", codename__in=CODENAMES)
    )
    groups = {}
    for name in GROUPS:
        groups[name], _ = Group.objects.get_or_create(name=name)
        groups[name].permissions.add(*permissions)
    return groups

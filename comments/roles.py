"""What the newsroom's roles may do with comments, applied by a data migration and setup_roles.

The groups themselves belong to articles.roles; this adds the comment permissions to them
and leaves everything else a group has alone.
"""

from django.apps import apps as global_apps

from articles.roles import ensure_permissions

GROUPS = ("Comment moderator", "Editor")
CODENAMES = (
    "view_comment",
    "change_comment",
    "moderate_comment",
    "view_discussionsettings",
    # Requests to see or erase one's data reach whoever moderates the discussion.
    "manage_commenter_data",
)


def setup_roles(apps=global_apps):
    ensure_permissions("comments", apps)
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


def revoke(codenames, apps=global_apps):
    """Take these comment permissions back from the roles (a migration's way back)."""
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permissions = Permission.objects.filter(
        content_type__app_label="comments", codename__in=codenames
    )
    for group in Group.objects.filter(name__in=GROUPS):
        group.permissions.remove(*permissions)

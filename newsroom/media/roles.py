"""What the newsroom's roles may do in the media library.

Writers upload pictures and edit their own; editors edit and delete any; comment
moderators have no part in it. The groups themselves belong to the apps that define the
roles; this module only grants the library's permissions to them, by name, and resets
exactly those when applied again (a data migration, and tests after a flush).
"""

from django.apps import apps as global_apps

from newsroom.permissions import ensure_permissions

WRITER = "Writer"
EDITOR = "Editor"

ROLES = {
    WRITER: ("add_image", "change_image", "view_image"),
    EDITOR: ("add_image", "change_image", "delete_image", "view_image", "edit_any_image"),
}


def setup_roles(apps=global_apps):
    ensure_permissions("media", apps)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    groups = {}
    for name, codenames in ROLES.items():
        group, _ = Group.objects.get_or_create(name=name)
        granted = group.permissions.filter(content_type__app_label="media")
        group.permissions.remove(*granted.exclude(codename__in=codenames))
        group.permissions.add(
            *Permission.objects.filter(content_type__app_label="media", codename__in=codenames)
        )
        groups[name] = group
    return groups


def revoke(apps=global_apps):
    Group = apps.get_model("auth", "Group")
    for group in Group.objects.filter(name__in=ROLES):
        group.permissions.remove(*group.permissions.filter(content_type__app_label="media"))

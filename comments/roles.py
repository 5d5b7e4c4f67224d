"""The comment moderators' role, and what the newsroom's roles may do with comments.

Applied by data migrations and setup_roles. The Writer and Editor groups belong to
articles.roles; this app defines the "Comment moderator" group and gives it, and the
editors, the comment permissions. Applying it again resets each group's comment
permissions to exactly these and leaves every other permission a group has alone.
"""

from django.apps import apps as global_apps

from articles.roles import EDITOR, ensure_permissions

COMMENT_MODERATOR = "Comment moderator"

CODENAMES = (
    "view_comment",
    "change_comment",
    "moderate_comment",
    # The discussion settings (rules, hold and block words, closing) are the desk's own.
    "view_discussionsettings",
    "change_discussionsettings",
    # Requests to see or erase one's data reach whoever moderates the discussion.
    "manage_commenter_data",
)
ROLES = {
    COMMENT_MODERATOR: CODENAMES,
    EDITOR: CODENAMES,
}
# Moderators open the article a comment belongs to; nothing else of the newsroom's.
OTHER_APPS = {COMMENT_MODERATOR: [("articles", "view_article")]}
GROUPS = tuple(ROLES)


def setup_roles(apps=global_apps):
    ensure_permissions("comments", apps)
    ensure_permissions("articles", apps)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    groups = {}
    for name, codenames in ROLES.items():
        permissions = list(
            Permission.objects.filter(content_type__app_label="comments", codename__in=codenames)
        )
        for app_label, codename in OTHER_APPS.get(name, []):
            permissions.append(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )
        group, _ = Group.objects.get_or_create(name=name)
        stale = group.permissions.filter(content_type__app_label="comments").exclude(
            codename__in=codenames
        )
        group.permissions.remove(*stale)
        group.permissions.add(*permissions)
        groups[name] = group
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

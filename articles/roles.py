"""The newsroom's roles as permission groups, applied by a data migration and setup_roles.

Applying them again resets each group's article and author permissions to exactly these, so
running it twice changes nothing and running it after a change brings the groups up to date;
permissions other apps give these groups are left alone. Other apps define their own roles
(comments: the comment moderators) in their own roles modules.
"""

from django.apps import apps as global_apps

from newsroom.permissions import ensure_permissions

WRITER = "Writer"
EDITOR = "Editor"

ROLES = {
    WRITER: [
        ("articles", "article", ["add", "change", "view"]),
        ("articles", "byline", ["add", "change", "delete", "view"]),
        # Read access is what the autocomplete boxes for bylines and tags ask for.
        ("articles", "section", ["view"]),
        ("articles", "tag", ["view"]),
        ("authors", "author", ["view"]),
        # Corrections are the editors' to write; writers see them on their own stories.
        ("articles", "correction", ["view"]),
    ],
    EDITOR: [
        ("articles", "article", ["add", "change", "delete", "view"]),
        ("articles", "byline", ["add", "change", "delete", "view"]),
        ("articles", "section", ["add", "change", "delete", "view"]),
        ("articles", "tag", ["add", "change", "delete", "view"]),
        ("articles", "transition", ["view"]),
        ("articles", "redirect", ["add", "change", "delete", "view"]),
        ("articles", "correction", ["add", "change", "delete", "view"]),
        ("authors", "author", ["add", "change", "delete", "view"]),
    ],
}
MANAGED_APPS = ("articles", "authors")
CUSTOM = {
    WRITER: [],
    EDITOR: ["publish_article", "review_article", "edit_any_article"],
}


def setup_roles(apps=global_apps):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for label in MANAGED_APPS:
        ensure_permissions(label, apps)
    groups = {}
    for name, rules in ROLES.items():
        # A migration's registry may predate a model (redirects): its rule waits for the
        # migration that adds the model and applies the roles again.
        codenames = [
            (app, f"{action}_{model}")
            for app, model, actions in rules
            if _has_model(apps, app, model)
            for action in actions
        ] + [("articles", codename) for codename in CUSTOM[name]]
        permissions = [
            Permission.objects.get(content_type__app_label=app, codename=codename)
            for app, codename in codenames
        ]
        group, _ = Group.objects.get_or_create(name=name)
        # Only the permissions of the apps listed here are reset: another app (comments)
        # grants its own to these groups, and running this again must not take them away.
        managed = group.permissions.filter(content_type__app_label__in=MANAGED_APPS)
        group.permissions.remove(*managed.exclude(pk__in=[p.pk for p in permissions]))
        group.permissions.add(*permissions)
        groups[name] = group
    return groups


def _has_model(apps, app_label, model_name):
    try:
        apps.get_model(app_label, model_name)
    except LookupError:
        return False
    return True

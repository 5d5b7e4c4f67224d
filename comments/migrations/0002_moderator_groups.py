from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUPS = ("Comment moderator", "Editor")
CODENAMES = (
    "view_comment",
    "change_comment",
    "moderate_comment",
    "view_discussionsettings",
)


def grant(apps, schema_editor):
    # Permissions are normally created after all migrations; these are needed now.
    app_config = apps.get_app_config("comments")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permissions = list(
        Permission.objects.filter(content_type__app_label="comments", codename__in=CODENAMES)
    )
    for name in GROUPS:
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(*permissions)


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permissions = Permission.objects.filter(
        content_type__app_label="comments", codename__in=CODENAMES
    )
    for group in Group.objects.filter(name__in=GROUPS):
        group.permissions.remove(*permissions)


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("comments", "0001_initial"),
    ]

    operations = [migrations.RunPython(grant, revoke)]

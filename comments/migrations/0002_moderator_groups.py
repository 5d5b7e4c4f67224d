from django.db import migrations


def grant(apps, schema_editor):
    from comments.roles import setup_roles

    setup_roles(apps)


def revoke(apps, schema_editor):
    from comments.roles import CODENAMES, GROUPS

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

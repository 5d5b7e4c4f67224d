from django.db import migrations


def grant(apps, schema_editor):
    from comments.roles import setup_roles

    setup_roles(apps)


def revoke(apps, schema_editor):
    from comments.roles import revoke

    revoke(["manage_commenter_data"], apps)


class Migration(migrations.Migration):
    dependencies = [("comments", "0003_notifications_and_privacy")]

    operations = [migrations.RunPython(grant, revoke)]

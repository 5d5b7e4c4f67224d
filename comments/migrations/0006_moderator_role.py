from django.db import migrations


def grant(apps, schema_editor):
    from comments.roles import setup_roles

    setup_roles(apps)


def revoke(apps, schema_editor):
    from comments.roles import revoke

    revoke(["change_discussionsettings"], apps)


class Migration(migrations.Migration):
    """The comment moderators' group is defined here now, with the article view it needs,
    and moderators and editors edit the discussion settings."""

    dependencies = [
        ("articles", "0014_editor_corrections"),
        ("comments", "0005_held_reason"),
    ]

    operations = [migrations.RunPython(grant, revoke)]

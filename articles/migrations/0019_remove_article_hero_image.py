# The old picture columns go once every hero is a library image. "A hero has alt text" now
# speaks of the library image, checked without holding the table locked on PostgreSQL.

from django.db import migrations, models

from newsroom.migration_operations import AddCheckConstraintNotValid


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("articles", "0018_heroes_to_library"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="article",
            name="article_hero_has_alt",
        ),
        AddCheckConstraintNotValid(
            model_name="article",
            constraint=models.CheckConstraint(
                condition=models.Q(("hero__isnull", True), models.Q(("hero_alt", ""), _negated=True), _connector="OR"),
                name="article_hero_has_alt",
                violation_error_message="Describe the hero image in its alt text.",
            ),
        ),
        migrations.RemoveField(model_name="article", name="hero_image"),
        migrations.RemoveField(model_name="article", name="hero_width"),
        migrations.RemoveField(model_name="article", name="hero_height"),
        migrations.RemoveField(model_name="article", name="hero_renditions"),
        migrations.AlterField(
            model_name="article",
            name="hero_alt",
            field=models.CharField(
                blank=True,
                help_text="What the image shows in this story, for readers who cannot see it. "
                "Required with an image; the library's alt text when left empty.",
                max_length=250,
                verbose_name="alt text",
            ),
        ),
    ]

"""A library image chosen in another model's form: its id with the admin's lookup, and a
thumbnail of the chosen picture (the article's hero, the author's photo)."""

from django.contrib.admin.widgets import ForeignKeyRawIdWidget

from .models import Image


class ImagePicker(ForeignKeyRawIdWidget):
    template_name = "media/image_picker.html"

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        image = None
        if value not in (None, ""):
            image = Image.objects.filter(pk=value).first()
        context["picked_image"] = image
        # Staff see the picture whether or not a public page shows it yet.
        context["picked_thumbnail"] = image.picture("square", private=True) if image else None
        return context


def picker_for(model_admin, db_field):
    """The widget for a foreign key to Image listed in the model admin's raw_id_fields."""
    return ImagePicker(db_field.remote_field, model_admin.admin_site)

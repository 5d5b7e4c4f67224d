"""The hero uploaded in place with the article: a new media library image."""

from newsroom.media.models import Image


def library_image(upload, *, by, alt_text="", caption="", credit=""):
    """A new library image from a picture uploaded with the article."""
    image = Image(file=upload, uploaded_by=by, alt_text=alt_text, caption=caption, credit=credit)
    image.full_clean(exclude=["file"])
    image.save()
    return image

"""The authors' use of library images: every author's page shows their photo, so a photo
is public from the moment it is chosen, and private again once no author has it."""

from django.utils.translation import gettext_lazy as _

from newsroom import pagecache
from newsroom.media import usage
from newsroom.media.follow import follow

USE = "author-photo"


def register() -> None:
    from .models import Author

    usage.register(
        usage.ForeignKeyUse(
            name=USE,
            model=f"{Author._meta.app_label}.{Author.__name__}",
            field="photo",
            label=_("Photo of"),
            public=lambda authors: authors,
            pages=lambda author: [pagecache.SITE],
        )
    )
    follow(Author, "photo")

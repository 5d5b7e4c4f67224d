"""The library's files in their two places: every file private, copies of some public.

A rendition has one name, the same in both storages: the private storage always holds it,
the public one only while the image is public. Names carry a hash of the content
(newsroom/images.py), so a public name is never reused for another picture and may be
cached for good.
"""

import logging

from django.core.files.base import ContentFile
from django.db import transaction

from newsroom import images

from .storage import private_storage, public_storage

logger = logging.getLogger("newsroom.media")

RENDITIONS_FOLDER = "library/renditions"


def rendition_prefix(image_id) -> str:
    return f"{RENDITIONS_FOLDER}/{image_id}"


def copy_to_public(names) -> None:
    """Write these private files to the public storage under the same names."""
    private, public = private_storage(), public_storage()
    for name in sorted(names):
        if public.exists(name):
            continue
        with private.open(name, "rb") as file:
            saved = public.save(name, ContentFile(file.read()))
        if saved != name:  # pragma: no cover - a name taken between exists() and save()
            public.delete(saved)


def delete(names, *, public_only=False) -> None:
    """Remove these files from the public storage, and from the private one unless told."""
    storages = [public_storage()] if public_only else [public_storage(), private_storage()]
    for storage in storages:
        for name in names:
            try:
                storage.delete(name)
            except OSError:
                # A file already gone, or a storage that failed: nothing to undo. Logged
                # so a file that outlives its image can be found.
                logger.warning("Could not delete media file %s.", name, exc_info=True)


def delete_on_commit(names, *, public_only=False) -> None:
    """Remove the files once the transaction that stopped using them has committed."""
    names = sorted(set(names))
    if names:
        transaction.on_commit(lambda: delete(names, public_only=public_only))


def names_of(renditions) -> set:
    return images.rendition_names(renditions)

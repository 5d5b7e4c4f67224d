"""Which images are public, and their public files: written when used, removed when not.

An image's files live in the private storage. ``sync`` asks the registered uses
(``usage``) which of the given images a public page shows; those get copies of their
renditions in the public storage and ``is_public``; the others lose their copies, so the
old addresses answer 404. Apps call it after commit whenever a use changes: an article
published or unpublished, a hero replaced, an author's photo changed or hidden.

A scheduled or expiring story changes what is public with no write at all: the
``sync_image_publicity`` command, run every few minutes, syncs every image.
"""

from django.db import transaction

from newsroom import pagecache

from . import files, usage
from .models import Image


def sync(image_ids) -> list[int]:
    """Make each of these images public or private, as their uses now say.

    Safe to call for any ids, any number of times: an image already in the right state
    is left alone, an id with no image is ignored. Call it once the change that moved a
    use has committed (``transaction.on_commit(lambda: sync([...]))``), with the ids of
    the images before and after the change (a replaced hero's old image goes private).
    Returns the ids of the images that changed.
    """
    ids = sorted({int(pk) for pk in image_ids if pk is not None})
    if not ids:
        return []
    changed = []
    with transaction.atomic():
        shown = usage.publishing(ids)
        for image in Image.objects.select_for_update().filter(pk__in=ids).order_by("pk"):
            should = image.pk in shown
            if should == image.is_public:
                continue
            names = files.names_of(image.renditions)
            if should:
                files.copy_to_public(names)
            else:
                files.delete_on_commit(names, public_only=True)
            Image.objects.filter(pk=image.pk).update(is_public=should)
            changed.append(image.pk)
        if changed:
            # Pages showing these images now show them, or no longer may.
            pagecache.touch(*usage.pages(changed))
    return changed


def sync_all(batch_size: int = 500) -> int:
    """Sync every image, in batches: for the schedule's moments (the command). Returns
    how many changed."""
    changed = 0
    last = 0
    while True:
        ids = list(
            Image.objects.filter(pk__gt=last)
            .order_by("pk")
            .values_list("pk", flat=True)[:batch_size]
        )
        if not ids:
            return changed
        changed += len(sync(ids))
        last = ids[-1]

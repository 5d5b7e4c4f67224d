"""Renditions made in the background: after an upload, a new file or a new focal point.

Saving an image whose original or focal point changed enqueues ``build_renditions`` once
the save has committed (the database task backend in production, run by ``db_worker``;
the immediate one in development and tests). The task makes every kind (hero, teaser,
square, social) around the focal point, and swaps them in only if the image still has
the original and focal point they were made from: a later change has its own task, and
the losing task's files are removed. The old renditions go once the new ones are in;
while an image is public its new renditions are copied to the public storage first, and
the pages that show it are invalidated, so no page points at a removed file.

Until the first renditions exist, pages fall back as ``Image.picture`` says.
"""

import logging

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.tasks import task

from newsroom import images, pagecache

from . import files, usage
from .models import Image
from .storage import private_storage

logger = logging.getLogger("newsroom.media")


def schedule(image_id, state) -> None:
    """Enqueue the renditions of this state of the image once the save has committed."""
    name, focal_x, focal_y = state

    def enqueue():
        try:
            build_renditions.enqueue(image_id, name, focal_x, focal_y)
        except Exception:
            # A queue that cannot take the task must not fail the editor's save: the
            # picture falls back to the renditions it has, and `make_renditions` (or the
            # next save) makes them.
            logger.exception("Could not enqueue the renditions of image %s.", image_id)

    transaction.on_commit(enqueue)


@task
def build_renditions(image_id: int, name: str, focal_x: float, focal_y: float) -> None:
    """Make the renditions of one state of an image, and put them in place if still current."""
    image = Image.objects.filter(pk=image_id).first()
    if image is None or image.rendition_state() != (name, focal_x, focal_y):
        return
    made = images.make_kind_renditions(
        private_storage(),
        name,
        focal=(focal_x, focal_y),
        prefix=files.rendition_prefix(image_id),
    )
    install(image_id, (name, focal_x, focal_y), made)


def install(image_id, state, made) -> bool:
    """Swap new renditions in, if the image is still in the state they were made from."""
    with transaction.atomic():
        image = Image.objects.select_for_update().filter(pk=image_id).first()
        if image is None or image.rendition_state() != state:
            kept = files.names_of(image.renditions) if image else set()
            files.delete_on_commit(files.names_of(made) - kept)
            return False
        old, new = files.names_of(image.renditions), files.names_of(made)
        if image.is_public:
            files.copy_to_public(new)
            pagecache.touch(*usage.pages([image_id]))
        Image.objects.filter(pk=image_id).update(renditions=made)
        files.delete_on_commit(old - new)
    return True


def rebuild_now(image) -> None:
    """Make an image's renditions at once, in this process (commands, the demo seed)."""
    state = image.rendition_state()
    made = images.make_kind_renditions(
        private_storage(),
        state[0],
        focal=state[1:],
        prefix=files.rendition_prefix(image.pk),
    )
    if install(image.pk, state, made):
        image.renditions = made


@receiver(post_save, sender=Image, dispatch_uid="media_image_renditions")
def renditions_follow_the_picture(sender, instance, raw=False, **kwargs):
    if raw:
        return
    state = instance.rendition_state()
    if state != getattr(instance, "_saved_state", None):
        instance._saved_state = state
        if instance.file:
            schedule(instance.pk, state)


@receiver(post_delete, sender=Image, dispatch_uid="media_image_files")
def files_go_with_the_image(sender, instance, **kwargs):
    """A deleted image's original, renditions and public copies are removed after commit."""
    names = files.names_of(instance.renditions)
    if instance.is_public:
        pagecache.touch(*usage.pages([instance.pk]))
    files.delete_on_commit(names)
    if instance.file:
        original, storage = instance.file.name, instance.file.storage
        transaction.on_commit(lambda: storage.delete(original))

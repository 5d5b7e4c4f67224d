"""Keeping the library told: a model's foreign key to Image, followed through its saves.

An app that uses images through a foreign key calls ``follow(Model, "field")`` once (from
its AppConfig.ready()); each save and deletion of a row then asks ``publicity.sync``, after
commit, about the image it had and the one it has, so a replaced picture goes private and a
newly shown one public. A save that may change whether the row is shown (an article
published or withdrawn) asks even when the image stays.
"""

from django.db import transaction
from django.db.models.signals import post_delete, post_save, pre_save

from . import publicity


def sync_on_commit(*image_ids) -> None:
    """Once the current transaction commits, set these images public or private by their uses."""
    ids = sorted({pk for pk in image_ids if pk})
    if ids:
        transaction.on_commit(lambda: publicity.sync(ids))


def follow(model, field: str, *, on_every_save: bool = False) -> None:
    attname = model._meta.get_field(field).attname
    uid = f"media-follow-{model._meta.label_lower}-{field}"

    def before(sender, instance, raw=False, **kwargs):
        previous = None
        if not raw and instance.pk is not None:
            previous = (
                sender._base_manager.filter(pk=instance.pk).values_list(attname, flat=True).first()
            )
        setattr(instance, f"_{attname}_before", previous)

    def after(sender, instance, raw=False, **kwargs):
        if raw:
            return
        previous, current = (
            getattr(instance, f"_{attname}_before", None),
            getattr(instance, attname),
        )
        if on_every_save or previous != current:
            sync_on_commit(previous, current)

    def deleted(sender, instance, **kwargs):
        sync_on_commit(getattr(instance, attname))

    pre_save.connect(before, sender=model, weak=False, dispatch_uid=f"{uid}-before")
    post_save.connect(after, sender=model, weak=False, dispatch_uid=f"{uid}-after")
    post_delete.connect(deleted, sender=model, weak=False, dispatch_uid=f"{uid}-deleted")

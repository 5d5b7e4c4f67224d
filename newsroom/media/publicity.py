"""Which images are public, and their public files: written when used, removed when not.

An image's files live in the private storage. ``sync`` asks the registered uses
(``usage``) which of the given images a public page shows; those get copies of their
renditions in the public storage and ``is_public``; the others lose their copies, so the
old addresses answer 404. Apps call it after commit whenever a use changes: an article
published or unpublished, a hero replaced, an author's photo changed or hidden.
"""


def sync(image_ids) -> None:
    """Make each of these images public or private, as their uses now say.

    Safe to call for any ids, any number of times: an image already in the right state
    is left alone, an id with no image is ignored. Call it once the change that moved a
    use has committed (``transaction.on_commit(lambda: sync([...]))``), with the ids of
    the images before and after the change (a replaced hero's old image goes private).
    """
    raise NotImplementedError

"""Where the library's files live: a private location for every file, public copies apart.

Originals and renditions are written to the ``private_media`` storage, which no public
address maps to (a folder outside MEDIA_ROOT, or another prefix of the bucket without a
public ACL); staff see them through a staff-only view. An image that a public page uses
gets copies of its renditions in the default (public) storage, under names that change
with their content; ``publicity`` writes and removes those copies.
"""

import os

from django.conf import settings
from django.core.files.storage import FileSystemStorage, storages


class PrivateFileSystemStorage(FileSystemStorage):
    """A folder of its own, read from PRIVATE_MEDIA_ROOT whenever it is used.

    Read each time, like MEDIA_ROOT for the default storage, so a test's override of the
    setting moves the folder. It has no base URL: nothing here has a public address.
    """

    def __init__(self, location=None, **kwargs):
        super().__init__(location=location, base_url=None, **kwargs)

    @property
    def base_location(self):
        return self._value_or_setting(self._location, settings.PRIVATE_MEDIA_ROOT)

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    def url(self, name):
        raise ValueError("Private files have no public address; use the staff view.")


def private_storage():
    return storages["private_media"]


def public_storage():
    return storages["default"]

"""The old site's uploaded pictures brought in: read from a local copy or fetched, checked,
and put into the media library.

`import_attachment` is the one place an attachment becomes a library image (private until
a public article shows it, like any upload), whether the posts use it as a hero, in their
text, or both: one image per attachment. Pictures go through the same checks as any upload
(newsroom.images): real JPEG, PNG, WebP or GIF data within the limits, re-encoded without
metadata. Each image is recorded in WordPressLink (kind "image", keyed by the attachment's
WordPress id), so a second run finds it again.
"""

import re
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.text import Truncator

from newsroom import images
from newsroom.media.models import Image
from newsroom.media.storage import private_storage

from ..models import WordPressLink
from . import posts
from .content import UPLOADS_PATH

FETCH_TIMEOUT_SECONDS = 20
MAX_FETCH_BYTES = images.MAX_UPLOAD_BYTES


class MediaError(Exception):
    """An attachment could not be brought in; the message says why, for the summary."""


@dataclass(frozen=True, slots=True)
class AttachmentInfo:
    """What the import needs to know of an attachment item, gathered before the posts."""

    post_id: int
    url: str
    title: str
    caption: str
    alt: str
    credit: str

    @classmethod
    def of(cls, item):
        """What an attachment item (wxr.Item) says of its picture."""
        return cls(
            post_id=item.post_id,
            url=item.attachment_url or item.guid,
            title=posts.text(item.title),
            caption=posts.text(item.excerpt),
            alt=posts.text(item.meta("_wp_attachment_image_alt")),
            credit=posts.text(item.meta("_media_credit") or item.meta("_wp_attachment_credit")),
        )


class Pictures:
    """A run's attachments and the library images their pictures became.

    Each picture is imported on first use (as a hero, in a post's text, or as the attachment
    item itself), once; one that fails is reported once. A transaction that is undone takes
    its images' rows with it: `undo()` forgets them and removes the files they had written.
    """

    def __init__(self, run):
        self.run = run
        self.attachments: dict[int, AttachmentInfo] = {}
        self._by_path: dict[str, int] = {}
        self._images: dict[int, Image | None] = {}
        self._failed: set[int] = set()
        self._written: list[str] = []

    def add(self, info: AttachmentInfo) -> None:
        self.attachments[info.post_id] = info
        relative = uploads_relative(info.url)
        if relative:
            self._by_path[relative] = info.post_id

    def get(self, attachment_id: int) -> Image | None:
        """The attachment's library image; None if it failed (reported) or in a dry run."""
        if attachment_id in self._images:
            return self._images[attachment_id]
        info = self.attachments[attachment_id]
        image = None
        summary = self.run.summary
        try:
            with transaction.atomic():
                image = import_attachment(run=self.run, info=info)
        except (MediaError, ValidationError) as error:
            _remove_unused(self.run.cache.pop("picture files", []))
            self._failed.add(attachment_id)
            summary.counts["pictures failed"] += 1
            summary.add_problem(
                f'attachment {attachment_id} "{Truncator(info.title).chars(60)}": '
                f"{posts.message(error)}"
            )
        self._images[attachment_id] = image
        self._written.extend(self.run.cache.pop("picture files", []))
        if image is not None:
            # The old address answers with the picture while it is public, 404 otherwise.
            self.run.add_picture_redirect(info.url, image)
        return image

    def failed(self, attachment_id: int) -> bool:
        return attachment_id in self._failed

    def id_for(self, url: str) -> int | None:
        """The library image an old uploads address in a post's text became, or None.

        WordPress puts resized copies in the text ("quay-300x200.jpg", "quay-scaled.jpg"):
        they stand for the attachment's own picture.
        """
        if not self.run.media:
            return None
        relative = uploads_relative(url)
        attachment_id = self._by_path.get(relative, self._by_path.get(original_relative(relative)))
        image = self.get(attachment_id) if attachment_id is not None else None
        return image.pk if image is not None else None

    def committed(self) -> None:
        self._written.clear()

    def undo(self) -> None:
        """After a transaction was undone: forget its images, and remove their files."""
        self._images.clear()
        self._failed.clear()
        written, self._written = self._written, []
        _remove_unused(written)


def _remove_unused(names) -> None:
    """Remove the library files no image has (any more): those of undone imports."""
    kept = set(Image.objects.filter(file__in=names).values_list("file", flat=True))
    storage = private_storage()
    for name in set(names) - kept:
        storage.delete(name)


class MediaSource:
    """Where the old uploads are: a local copy of wp-content/uploads, or the old site itself."""

    def __init__(self, *, media_from: Path | None = None, media_base_url: str = ""):
        self.media_from = Path(media_from).resolve() if media_from else None
        self.media_base_url = media_base_url.rstrip("/")

    def __bool__(self):
        return bool(self.media_from or self.media_base_url)

    def read(self, relative: str) -> bytes:
        if self.media_from is not None:
            path = (self.media_from / relative).resolve()
            if not path.is_relative_to(self.media_from):
                raise MediaError(f"{relative} points outside the uploads folder.")
            if not path.is_file():
                raise MediaError(f"{relative} is not in the uploads folder.")
            if path.stat().st_size > MAX_FETCH_BYTES:
                raise MediaError(f"{relative} is larger than {MAX_FETCH_BYTES} bytes.")
            return path.read_bytes()
        return fetch(f"{self.media_base_url}{UPLOADS_PATH}{relative}")


def fetch(url: str) -> bytes:
    """The body of an http(s) address, refused beyond MAX_FETCH_BYTES or FETCH_TIMEOUT_SECONDS."""
    if urlsplit(url).scheme not in {"http", "https"}:
        raise MediaError(f"{url} is not an http or https address.")
    request = urllib.request.Request(url, headers={"User-Agent": "Newsroom WordPress import"})
    try:
        with urllib.request.urlopen(request, timeout=FETCH_TIMEOUT_SECONDS) as response:  # noqa: S310
            if urlsplit(response.geturl()).scheme not in {"http", "https"}:
                raise MediaError(f"{url} redirects to a non-http address.")
            length = response.headers.get("Content-Length")
            if length and length.isdigit() and int(length) > MAX_FETCH_BYTES:
                raise MediaError(f"{url} is larger than {MAX_FETCH_BYTES} bytes.")
            data = response.read(MAX_FETCH_BYTES + 1)
    except urllib.error.HTTPError as error:
        raise MediaError(f"{url} answered {error.code}.") from None
    except (urllib.error.URLError, TimeoutError, OSError) as error:
        reason = getattr(error, "reason", error)
        raise MediaError(f"{url} could not be fetched: {reason}.") from None
    if len(data) > MAX_FETCH_BYTES:
        raise MediaError(f"{url} is larger than {MAX_FETCH_BYTES} bytes.")
    return data


def uploads_relative(url: str) -> str:
    """ "2024/03/quay.jpg" for any address under /wp-content/uploads/, else ""."""
    path = unquote(urlsplit(url).path)
    if UPLOADS_PATH not in path:
        return ""
    relative = path.split(UPLOADS_PATH, 1)[1].lstrip("/")
    parts = [part for part in PurePosixPath(relative).parts if part not in {"", ".", ".."}]
    return "/".join(parts)


_RESIZED = re.compile(r"^(?P<stem>.+?)(?:-\d{1,5}x\d{1,5}|-scaled)(?P<extension>\.\w+)$")


def original_relative(relative: str) -> str:
    """ "2024/03/quay.jpg" for WordPress's resized "2024/03/quay-300x200.jpg" (or -scaled)."""
    found = _RESIZED.match(relative)
    return f"{found['stem']}{found['extension']}" if found else relative


def picture_file(data: bytes, name: str) -> ContentFile:
    """The picture as a file an ImageField accepts, after the upload checks (ValidationError)."""
    upload = ContentFile(data, name=name)
    images.check_upload(upload)
    return upload


def import_attachment(*, run, info: AttachmentInfo) -> Image | None:
    """The media library's image of an attachment, made once per site; None in a dry run.

    Alt text, caption and credit come from the attachment. A second import finds the image
    through its WordPressLink (kind "image") and leaves it, words and all, as it is here.
    Raises MediaError (or ValidationError for a picture that fails the checks).
    """
    key = str(info.post_id)
    link = WordPressLink.objects.filter(
        site=run.site, kind=WordPressLink.Kind.IMAGE, key=key
    ).first()
    image = Image.objects.filter(pk=link.object_id).first() if link is not None else None
    if image is not None:
        return image
    upload = read_picture(run=run, info=info)
    run.summary.counts["pictures imported"] += 1
    if run.dry_run:
        # Checked like the others, and not stored.
        return None
    image = Image(
        file=upload,
        original_name=upload.name[:255],
        alt_text=(info.alt or info.title)[:300],
        caption=info.caption[:500],
        credit=info.credit[:200],
    )
    image.save()
    # Written before the transaction commits: removed again if it is undone.
    run.cache.setdefault("picture files", []).append(image.file.name)
    WordPressLink.objects.update_or_create(
        site=run.site,
        kind=WordPressLink.Kind.IMAGE,
        key=key,
        defaults={"object_id": image.pk, "stored_name": image.file.name},
    )
    return image


def read_picture(*, run, info: AttachmentInfo) -> ContentFile:
    """The attachment's picture, checked, as a new upload for the library."""
    relative = uploads_relative(info.url)
    if not relative:
        raise MediaError(f"{info.url or '(no address)'} is not under {UPLOADS_PATH}.")
    return picture_file(run.media.read(relative), PurePosixPath(relative).name)

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

from django.core.files.base import ContentFile

from newsroom import images
from newsroom.media.models import Image

from ..models import WordPressLink
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

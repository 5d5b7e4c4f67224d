"""Library pictures inside an article's text: referenced by id, found again, shown.

A picture of the media library sits in a body as ``<img data-image="ID" alt="...">``. Its
addresses are never stored: they change with its renditions, and exist publicly only while
it is public. An editor may paste one of the picture's addresses instead (a public
rendition's, or the staff view's): ``reference`` turns it into the same reference before
the body is cleaned, and the sanitizer keeps the attribute (a number, nothing else).

``image_ids`` reads the references back from a cleaned body. Each save of an article
records them (``Article.record_body_images``): that is how the library lists where a
picture is used, refuses to delete it, and makes it public exactly while a public article
shows it. ``render`` gives readers each picture as a <picture> of its uncropped "body"
renditions, with every image of the body fetched in one query; a picture readers may not
see (deleted, or not public) is left out rather than shown broken.
"""

import html
import re
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.urls import reverse

from newsroom import sanitize
from newsroom.media import files
from newsroom.media.models import Image, StaffFiles

KIND = "body"
# The body column is 46rem wide at most (static/css/site.css, .article).
SIZES = "(max-width: 46rem) 100vw, 46rem"

_IMG = re.compile(r"<img\b[^>]*>", re.IGNORECASE)
_ATTRIBUTE = re.compile(
    r"""\s([a-zA-Z][\w:.-]*)(?:\s*=\s*("[^"]*"|'[^']*'|[^\s>"']+))?""", re.IGNORECASE
)
# A cleaned body's references: the sanitizer writes attributes with double quotes.
_REFERENCE = re.compile(r'<img\b[^>]*?\sdata-image="(\d+)"')
_RENDITION = re.compile(rf"^{re.escape(files.RENDITIONS_FOLDER)}/(\d+)-[\w.-]+$")
_ORIGINAL = re.compile(r"^library/originals/[\w./-]+$")
EDITOR_WIDTH = 960
_PROBE = "library/renditions/x"


def attributes(tag: str) -> dict[str, str]:
    """An <img> tag's attributes, names in lower case, values unescaped."""
    found = {}
    for match in _ATTRIBUTE.finditer(tag[4:]):
        value = match[2] or ""
        if value[:1] in {'"', "'"}:
            value = value[1:-1]
        found.setdefault(match[1].lower(), html.unescape(value))
    return found


def library_id(address: str) -> int | str | None:
    """The library image whose rendition this address is (public or staff view), else None;
    for the staff view's address of an original, its file name (`reference` looks it up).

    Addresses on this site only: relative ones, or full ones starting with SITE_URL.
    """
    try:
        parts = urlsplit(html.unescape(address or "").strip())
    except ValueError:
        return None
    if parts.scheme or parts.netloc:
        site = urlsplit(settings.SITE_URL)
        if parts.netloc.lower() != site.netloc.lower() or parts.scheme not in {"http", "https"}:
            return None
    path = unquote(parts.path)
    staff_prefix = reverse("admin:media_image_file", kwargs={"name": _PROBE})[: -len(_PROBE)]
    for prefix in (settings.MEDIA_URL, staff_prefix):
        if path.startswith(prefix):
            name = path[len(prefix) :]
            match = _RENDITION.match(name)
            if match:
                return int(match[1])
            if prefix == staff_prefix and _ORIGINAL.match(name):
                return name
    return None


def reference(body: str) -> str:
    """The body with each pasted address of a library picture turned into its reference."""
    if not body or "<img" not in body.lower():
        return body or ""
    found_ids = {tag: library_id(attributes(tag).get("src", "")) for tag in _IMG.findall(body)}
    originals = {found for found in found_ids.values() if isinstance(found, str)}
    by_name = dict(Image.objects.filter(file__in=originals).values_list("file", "pk"))

    def replace(match):
        tag = match[0]
        found = attributes(tag)
        if "data-image" in found:
            return tag
        image_id = found_ids.get(tag)
        image_id = by_name.get(image_id) if isinstance(image_id, str) else image_id
        if image_id is None:
            return tag
        rest = _kept_attributes(found)
        return f'<img data-image="{image_id}"{rest}>'

    return _IMG.sub(replace, body)


def for_editing(body: str) -> str:
    """The body for the staff editor, which keeps only pictures that have an address: each
    library picture gets its staff-view address, which saving turns back into its reference.
    """
    images = images_of([body])
    if not images:
        return body

    def replace(match):
        found = attributes(match[0])
        image = images.get(int(found.get("data-image") or 0))
        if image is None:
            return match[0]
        src = image.picture_url(KIND, EDITOR_WIDTH, private=True) or StaffFiles().url(
            image.file.name
        )
        rest = _kept_attributes(found)
        return f'<img src="{html.escape(src)}"{rest}>'

    return _IMG.sub(replace, body)


def _kept_attributes(found) -> str:
    """The words and size of a picture tag, written again (the address is the caller's)."""
    return "".join(
        f' {name}="{html.escape(value)}"'
        for name, value in found.items()
        if name in {"alt", "width", "height"}
    )


def image_ids(body: str) -> list[int]:
    """The library pictures a cleaned body shows, in order, each once."""
    if not body or "data-image" not in body:
        return []
    return list(dict.fromkeys(int(found) for found in _REFERENCE.findall(body)))


def images_of(bodies) -> dict[int, Image]:
    """The library images these cleaned bodies show, in one query (none without pictures)."""
    ids = {pk for body in bodies for pk in image_ids(body)}
    if not ids:
        return {}
    return Image.objects.in_bulk(ids)


def render(body: str, *, private: bool = False, images=None) -> str:
    """The cleaned body as readers see it: library pictures as <picture>, the rest as is.

    ``private=True`` (staff previews) shows pictures that are not public yet through the
    staff view. ``images`` (id -> Image) saves the query when the caller has them.
    """
    if not body or "<img" not in body:
        return body or ""
    if images is None:
        images = images_of([body])

    def replace(match):
        found = attributes(match[0])
        if "data-image" not in found:
            # An <img> whose address the sanitizer refused shows nothing: left out.
            return match[0] if found.get("src") else ""
        image = images.get(int(found["data-image"]))
        picture = image.picture(KIND, private=private) if image is not None else None
        if picture is None:
            return ""
        alt = found["alt"] if "alt" in found else image.alt_text
        return picture_markup(picture, alt)

    return _IMG.sub(replace, body)


def picture_markup(picture, alt: str) -> str:
    sources = "".join(
        sanitize.format_escaped(
            '<source type="{}" srcset="{}" sizes="{}">', media_type, srcset, SIZES
        )
        for media_type, srcset in picture.sources
    )
    img = sanitize.format_escaped(
        '<img src="{}" srcset="{}" sizes="{}" alt="{}" width="{}" height="{}" loading="lazy"'
        ' decoding="async">',
        picture.src,
        picture.srcset,
        SIZES,
        alt,
        picture.width,
        picture.height,
    )
    return f'<picture class="body-picture">{sources}{img}</picture>'

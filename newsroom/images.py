"""Uploaded pictures: what is accepted, how it is stored, and the renditions readers get.

Every upload is checked here before anything is saved (real JPEG, PNG, WebP or GIF data,
within the size and pixel limits, fully decodable), then decoded and encoded again by
Pillow. Re-encoding keeps the pixels and nothing else: EXIF and GPS metadata, comments and
whatever was appended to or hidden in the file (a ZIP or HTML payload) are left behind.

Renditions are made once, when a picture is stored, through the default storage (so object
storage works by configuration), and recorded on the row as JSON: reader pages build their
<picture> elements without a query or a storage call beyond `url()`.

Authors' photos use the same rules; this module depends on no model, so the authors app can
use it without depending on articles' models.
"""

import hashlib
import io
import warnings
from dataclasses import dataclass
from pathlib import PurePosixPath

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import models, transaction
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
MAX_PIXELS = 50_000_000
# Pillow warns above this many pixels and refuses above twice as many; the warning is turned
# into a refusal below, so nothing above MAX_PIXELS is ever decoded.
Image.MAX_IMAGE_PIXELS = MAX_PIXELS

# Only these decoders ever see an upload: fewer parsers, less attack surface.
FORMATS = ("JPEG", "PNG", "WEBP", "GIF")
EXTENSIONS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp", "GIF": "gif"}
MIME_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp", "GIF": "image/gif"}
# The format every rendition set offers besides WebP. A GIF's palette of 256 colours makes
# poor resized pictures, so its renditions are PNG.
FALLBACK_FORMAT = {"JPEG": "JPEG", "PNG": "PNG", "WEBP": "WEBP", "GIF": "PNG"}

HERO_WIDTHS = (480, 960, 1600)
PORTRAIT_WIDTHS = (160, 320)
BODY_WIDTHS = (480, 960, 1440)


@dataclass(frozen=True)
class Kind:
    """A shape of rendition: its width-to-height ratio and the widths it is made at.

    A ratio of None keeps the whole picture, uncropped, at each width.
    """

    name: str
    ratio: float | None
    widths: tuple

    def ratio_for(self, width, height) -> float:
        """The shape a picture of this size gets: the kind's, or the picture's own."""
        return self.ratio or width / max(1, height)


# The media library's renditions, each cropped around the picture's focal point.
KINDS = {
    kind.name: kind
    for kind in (
        # An article's wide picture, at the widths of the article page's srcset.
        Kind("hero", 16 / 9, HERO_WIDTHS),
        # A story in a list or a rail.
        Kind("teaser", 3 / 2, (320, 640)),
        # Thumbnails and author photos.
        Kind("square", 1.0, (160, 320, 640)),
        # The card shown where a story is shared: 1.91:1, 1200 x 628.
        Kind("social", 1200 / 628, (1200,)),
        # A picture inside an article's text: the whole picture, never cropped, at most
        # as wide as the body column is on a dense screen.
        Kind("body", None, BODY_WIDTHS),
    )
}

JPEG_QUALITY = 85
WEBP_QUALITY = 80

# Pillow reports malformed data with many exception types (OSError for truncation, but also
# SyntaxError, ValueError, EOFError, struct.error, IndexError...): any of them means the file
# cannot be used.
_DECODING_ERRORS = (Exception,)


@dataclass(frozen=True)
class Checked:
    format: str
    width: int
    height: int


def check_upload(file) -> Checked:
    """Refuse anything that is not a whole JPEG, PNG, WebP or GIF within the limits."""
    size = file.size
    if not size:
        raise ValidationError(_("The file is empty."), code="empty")
    if size > MAX_UPLOAD_BYTES:
        raise ValidationError(
            _("The file is %(size)s; pictures may be at most %(limit)s."),
            code="too_large",
            params={"size": filesizeformat(size), "limit": filesizeformat(MAX_UPLOAD_BYTES)},
        )
    file.seek(0)
    head = file.read(1024).lstrip().lower()
    if head.startswith((b"<?xml", b"<svg", b"<!--")) and b"<svg" in head:
        raise ValidationError(
            _("SVG drawings cannot be uploaded here: they can carry scripts. "
              "Export a PNG instead."),
            code="svg",
        )  # fmt: skip
    file.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(file, formats=FORMATS) as image:
                checked = Checked(image.format, *image.size)
                if checked.width * checked.height > MAX_PIXELS:
                    raise Image.DecompressionBombError
                image.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ValidationError(
            _("The picture is too large: at most %(limit)s megapixels are accepted."),
            code="too_many_pixels",
            params={"limit": MAX_PIXELS // 1_000_000},
        ) from None
    except Image.UnidentifiedImageError:
        raise ValidationError(
            _("This file is not a JPEG, PNG, WebP or GIF picture."), code="not_an_image"
        ) from None
    except _DECODING_ERRORS:
        raise ValidationError(
            _("This picture is damaged or incomplete; export it again and upload the new file."),
            code="damaged",
        ) from None
    finally:
        file.seek(0)
    return checked


def validate_upload(value):
    """Model-field validator: checks a newly assigned file; stored ones were checked before."""
    if value and not getattr(value, "_committed", True):
        check_upload(value)


class PictureFormField(forms.ImageField):
    """An image upload whose errors say what is wrong, beside the field."""

    def to_python(self, data):
        # forms.FileField, not ImageField: its one message for every failure says too little.
        upload = forms.FileField.to_python(self, data)
        if upload is None:
            return None
        checked = check_upload(upload)
        upload.content_type = MIME_TYPES[checked.format]
        return upload


class PictureField(models.ImageField):
    """An ImageField whose uploads are checked by `check_upload`, in forms and full_clean()."""

    default_validators = [*models.ImageField.default_validators, validate_upload]

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": PictureFormField, **kwargs})


def _encode(image, fmt):
    buffer = io.BytesIO()
    if fmt == "JPEG":
        if image.mode not in {"L", "RGB"}:
            image = _flatten(image)
        image.save(buffer, "JPEG", quality=JPEG_QUALITY, optimize=True, progressive=True)
    elif fmt == "WEBP":
        if image.mode not in {"RGB", "RGBA"}:
            image = image.convert("RGBA" if _has_alpha(image) else "RGB")
        image.save(buffer, "WEBP", quality=WEBP_QUALITY, method=4)
    elif fmt == "PNG":
        if image.mode not in {"1", "L", "LA", "P", "RGB", "RGBA"}:
            image = image.convert("RGBA" if _has_alpha(image) else "RGB")
        image.save(buffer, "PNG", optimize=True)
    else:
        image.save(buffer, "GIF")
    return buffer.getvalue()


def _has_alpha(image):
    return image.mode in {"RGBA", "LA", "PA"} or "transparency" in image.info


def _flatten(image):
    """RGB on white, for formats without transparency."""
    if _has_alpha(image):
        image = image.convert("RGBA")
        background = Image.new("RGB", image.size, (255, 255, 255))
        background.paste(image, mask=image.getchannel("A"))
        return background
    return image.convert("RGB")


def _clean_copy(file):
    """The picture's first frame, upright, with no metadata: (image, original format)."""
    file.seek(0)
    with Image.open(file, formats=FORMATS) as source:
        fmt = source.format
        # An animated GIF keeps its first frame: a moving picture at the top of a news story
        # distracts readers, and a still makes ordinary renditions.
        source.seek(0)
        upright = ImageOps.exif_transpose(source)
        upright.load()
    keep = {key: upright.info[key] for key in ("transparency",) if key in upright.info}
    upright.info = keep
    return upright, fmt


def reencode(file):
    """(bytes, format) of the upload encoded again, without metadata or trailing data."""
    image, fmt = _clean_copy(file)
    return _encode(image, fmt), fmt


def store_upload(field_file):
    """Replace a just-assigned upload by its re-encoded self, saved through the storage.

    Called from the model's save(), so every way in (the admin, the seed command, scripts)
    stores the same clean file. The name keeps the upload's stem and takes the extension of
    what the file really is.
    """
    data, fmt = reencode(field_file.file)
    name = f"{PurePosixPath(field_file.name).stem or 'picture'}.{EXTENSIONS[fmt]}"
    # Named, so that the width and height fields are read from the re-encoded picture.
    field_file.save(name, ContentFile(data, name=name), save=False)


def make_renditions(field_file, widths, *, storage=None):
    """Resized copies of a stored picture, in WebP and the fallback format; never upscaled.

    Returns what is recorded on the row: {"WEBP": [{"name", "width", "height"}...], ...}
    with the widths in increasing order. A picture narrower than a width gets one rendition
    at its own width instead of the larger ones.
    """
    storage = storage or field_file.storage
    with storage.open(field_file.name, "rb") as file:
        image, fmt = _clean_copy(file)
    stored = PurePosixPath(field_file.name)
    folder = stored.parent / "renditions"
    sizes = sorted({min(width, image.width) for width in widths})
    renditions = {}
    for target in dict.fromkeys(("WEBP", FALLBACK_FORMAT[fmt])):
        entries = []
        for width in sizes:
            height = max(1, round(image.height * width / image.width))
            resized = image if width == image.width else _resized(image, (width, height))
            name = storage.save(
                str(folder / f"{stored.stem}-{width}.{EXTENSIONS[target]}"),
                ContentFile(_encode(resized, target)),
            )
            entries.append({"name": name, "width": width, "height": height})
        renditions[target] = entries
    return renditions


def focal_crop_box(width, height, ratio, focal_x=0.5, focal_y=0.5):
    """(left, top, right, bottom) of the largest ratio-shaped box centred on the focal point.

    As much of the picture as the ratio allows is kept; the box is centred on the focal
    point (fractions of the width and height, 0.5 the centre) and pushed back inside the
    picture where it would cross an edge. A ratio of None keeps the whole picture.
    """
    if ratio is None:
        return 0, 0, width, height
    if width / height > ratio:
        box_width, box_height = max(1, min(width, round(height * ratio))), height
    else:
        box_width, box_height = width, max(1, min(height, round(width / ratio)))
    left = _clamp(round(focal_x * width - box_width / 2), 0, width - box_width)
    top = _clamp(round(focal_y * height - box_height / 2), 0, height - box_height)
    return left, top, left + box_width, top + box_height


def _clamp(value, low, high):
    return max(low, min(value, high))


def make_kind_renditions(storage, name, *, focal=(0.5, 0.5), prefix, kinds=None):
    """Renditions of every kind (KINDS) of a stored picture, cropped around its focal point.

    Returns {kind: {format: [{"name", "width", "height"}...]}}, widths increasing, as
    `make_renditions` records one set. Names carry a hash of the content, so a new crop
    gets new names and a name can be cached for good; a picture narrower than a width
    gets its crop at its own size, never upscaled. ``prefix`` starts every name, e.g.
    "library/renditions/42", so one picture's files are told apart from another's.
    """
    kinds = kinds or KINDS.values()
    with storage.open(name, "rb") as file:
        image, fmt = _clean_copy(file)
    if image.mode == "P":
        image = image.convert("RGBA" if _has_alpha(image) else "RGB")
    made = {}
    for kind in kinds:
        box = focal_crop_box(image.width, image.height, kind.ratio, *focal)
        cropped = image.crop(box)
        sizes = sorted({min(width, cropped.width) for width in kind.widths})
        targets = tuple(dict.fromkeys(("WEBP", FALLBACK_FORMAT[fmt])))
        made[kind.name] = {target: [] for target in targets}
        for width in sizes:
            height = max(1, round(cropped.height * width / cropped.width))
            # Resized once, encoded in each format.
            resized = cropped if width == cropped.width else _resized(cropped, (width, height))
            for target in targets:
                data = _encode(resized, target)
                digest = hashlib.sha256(data).hexdigest()[:16]
                path = f"{prefix}-{kind.name}-{width}-{digest}.{EXTENSIONS[target]}"
                # The same content has the same name: a file already there is this file.
                if not storage.exists(path):
                    path = storage.save(path, ContentFile(data))
                made[kind.name][target].append({"name": path, "width": width, "height": height})
    return made


def rendition_names(renditions_by_kind):
    """Every file name in a {kind: {format: [entries]}} record."""
    return {
        entry["name"]
        for formats in (renditions_by_kind or {}).values()
        for entries in formats.values()
        for entry in entries
    }


# A large shrink first reduces by a whole factor (a plain average of pixels), then applies
# Lanczos from at least three times the target size: "indistinguishable from fair
# resampling in most cases", Pillow's documentation says, for a fraction of the work.
REDUCING_GAP = 3.0


def _resized(image, size):
    if image.mode == "P":
        image = image.convert("RGBA" if _has_alpha(image) else "RGB")
    return image.resize(size, Image.Resampling.LANCZOS, reducing_gap=REDUCING_GAP)


def delete_renditions(renditions, *, storage=None):
    storage = storage or default_storage
    for entries in (renditions or {}).values():
        for entry in entries:
            storage.delete(entry["name"])


def delete_renditions_on_commit(renditions):
    """Old renditions go once the row no longer points at them."""
    if renditions:
        transaction.on_commit(lambda: delete_renditions(renditions))


def refresh_picture(field_file, renditions, widths):
    """On save: re-encode a new upload and remake the renditions. Returns the renditions.

    A stored picture that has not changed keeps its renditions; a removed one loses them.
    """
    if not field_file:
        delete_renditions_on_commit(renditions)
        return {}
    if field_file._committed:
        return renditions
    store_upload(field_file)
    delete_renditions_on_commit(renditions)
    return make_renditions(field_file, widths)


@dataclass(frozen=True)
class Picture:
    """What a template needs for <picture>: WebP sources, then an <img> in the fallback."""

    sources: list  # [(mime type, srcset)]
    src: str
    srcset: str
    width: int
    height: int
    largest_url: str
    largest_width: int
    largest_height: int
    # Where the picture's focal point lies, for CSS object-position ("30% 70%") when a
    # rendition of another shape stands in for the one asked for, and a class naming it in
    # tenths ("focal-3-7") for pages whose Content Security Policy allows no inline style.
    position: str = "50% 50%"
    position_class: str = "focal-5-5"

    @classmethod
    def from_renditions(cls, renditions, *, storage=None, focal=(0.5, 0.5)):
        if not renditions:
            return None
        storage = storage or default_storage

        def srcset(entries):
            return ", ".join(f"{storage.url(e['name'])} {e['width']}w" for e in entries)

        # Key order is not kept by every database's JSON type: WebP sources come first.
        formats = sorted(renditions, key=lambda fmt: fmt != "WEBP")
        fallback = formats[-1]
        entries = renditions[fallback]
        largest = entries[-1]
        return cls(
            sources=[
                (MIME_TYPES[fmt], srcset(renditions[fmt])) for fmt in formats if fmt != fallback
            ],
            src=storage.url(entries[min(1, len(entries) - 1)]["name"]),
            srcset=srcset(entries),
            width=largest["width"],
            height=largest["height"],
            largest_url=storage.url(largest["name"]),
            largest_width=largest["width"],
            largest_height=largest["height"],
            position=f"{round(focal[0] * 100, 1):g}% {round(focal[1] * 100, 1):g}%",
            position_class=f"focal-{round(focal[0] * 10)}-{round(focal[1] * 10)}",
        )

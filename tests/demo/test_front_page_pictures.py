import io
import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.core.management import call_command

from newsroom.media.models import Image as LibraryImage

# Draws every real illustration of the demo: about a minute.
pytestmark = [pytest.mark.django_db, pytest.mark.slow]

DESKTOP_WIDTH_PX = 1440
REM_PX = 16


class Pictures(HTMLParser):
    """The images of a page: each <img> and the <source>s of its <picture>."""

    def __init__(self):
        super().__init__()
        self.images = []  # [{"src", "srcset", "sizes", "sources": [{"srcset", "sizes"}]}]
        self.sources = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "picture":
            self.sources = []
        elif tag == "source":
            self.sources.append(attrs)
        elif tag == "img":
            self.images.append({**attrs, "sources": self.sources})
            self.sources = []


def candidates(srcset):
    """[(url, width)] of a srcset with width descriptors."""
    found = []
    for item in srcset.split(","):
        url, _, descriptor = item.strip().partition(" ")
        found.append((url, int(descriptor.strip().rstrip("w"))))
    return found


def slot_width(sizes):
    """The width `sizes` gives the image on a wide desktop window, in CSS pixels."""
    for entry in (part.strip() for part in sizes.split(",")):
        condition = re.match(r"\(max-width:\s*([\d.]+)rem\)\s*(.+)", entry)
        if condition and DESKTOP_WIDTH_PX <= float(condition[1]) * REM_PX:
            entry = condition[2]
        elif condition:
            continue
        number, unit = re.fullmatch(r"([\d.]+)(rem|px|vw)", entry.strip()).groups()
        return float(number) * {"rem": REM_PX, "px": 1, "vw": DESKTOP_WIDTH_PX / 100}[unit]
    raise AssertionError(f"No size for a desktop window in {sizes!r}")


def desktop_pick(image):
    """The file a desktop browser (1440 px window, one device pixel per CSS pixel, WebP
    support) loads for this image: from the first <source>, else the <img>'s srcset, the
    narrowest candidate at least as wide as the slot `sizes` gives it (the widest if none
    is); without a srcset, the src."""
    # A <source> for narrow screens only (media=) is not a desktop's.
    wide = [source for source in image["sources"] if "media" not in source]
    chosen = wide[0] if wide else image
    if not chosen.get("srcset"):
        return image["src"]
    width = slot_width(chosen["sizes"])
    ordered = sorted(candidates(chosen["srcset"]), key=lambda candidate: candidate[1])
    return next((url for url, w in ordered if w >= width), ordered[-1][0])


def media_file(url):
    path = urlsplit(url).path
    assert path.startswith(settings.MEDIA_URL), f"{url} is not a stored picture"
    return settings.MEDIA_ROOT / path.removeprefix(settings.MEDIA_URL)


def test_front_page_of_a_fresh_demo_offers_only_renditions_and_weighs_under_a_megabyte(client):
    """After seed_demo, with its real illustrations, the front page names no original upload
    anywhere (src, srcset), only renditions the seed made, and its pictures weigh under 1 MB.

    The weight is what a desktop browser downloads for the page: for each <img>, the one file
    it picks (`desktop_pick`: from the WebP <source> or the srcset, by the slot `sizes` gives
    a 1440 px window at one device pixel per CSS pixel), or its `src` when it has no srcset.
    Such a browser never fetches the `src` of an image that has a srcset (the 960 px JPEG
    fallback for browsers without srcset support), so that file is checked to be a rendition
    but not counted. Lazy images are counted as if the reader scrolled to the bottom.
    """
    call_command("seed_demo", stdout=io.StringIO())
    originals = set(LibraryImage.objects.values_list("file", flat=True))
    html = client.get("/").content.decode()
    parser = Pictures()
    parser.feed(html)
    assert len(parser.images) >= 10

    named = set()
    for image in parser.images:
        named.add(image["src"])
        for source in [image, *image["sources"]]:
            if source.get("srcset"):
                named.update(url for url, _ in candidates(source["srcset"]))
    for url in named:
        assert "/renditions/" in url, f"{url} is not a rendition"
        assert not any(url.endswith(original) for original in originals)

    files = {media_file(desktop_pick(image)) for image in parser.images}
    total = sum(path.stat().st_size for path in files)
    assert total < 1_000_000, f"{total:,} bytes of pictures"

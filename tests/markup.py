"""Reading rendered HTML in tests: the head's metadata and every element with its attributes."""

import json
from html.parser import HTMLParser


class Markup(HTMLParser):
    """Parses a page or fragment once; tests then look at `title`, `meta`, `links`, `elements`."""

    def __init__(self, content):
        super().__init__(convert_charrefs=True)
        self.title = ""
        self.meta = {}  # name= or property= -> every content= given for it, in order
        self.links = {}  # rel= -> every href= given for it, in order
        self.json_ld = []
        self.elements = []  # (tag, {attribute: value}) in document order
        self._capture = None
        self._buffer = []
        self.feed(content.decode() if isinstance(content, bytes) else content)
        self.close()

    def handle_starttag(self, tag, attrs):
        attributes = {name: value or "" for name, value in attrs}
        self.elements.append((tag, attributes))
        if tag == "title":
            self._start_capture("title")
        elif tag == "meta" and (key := attributes.get("name") or attributes.get("property")):
            self.meta.setdefault(key, []).append(attributes.get("content", ""))
        elif tag == "link" and "rel" in attributes:
            self.links.setdefault(attributes["rel"], []).append(attributes.get("href", ""))
        elif tag == "script" and attributes.get("type") == "application/ld+json":
            self._start_capture("json_ld")

    def handle_data(self, data):
        if self._capture:
            self._buffer.append(data)

    def handle_endtag(self, tag):
        if self._capture == "title" and tag == "title":
            self.title = "".join(self._buffer).strip()
            self._capture = None
        elif self._capture == "json_ld" and tag == "script":
            self.json_ld.append(json.loads("".join(self._buffer)))
            self._capture = None

    def _start_capture(self, what):
        self._capture = what
        self._buffer = []

    def first_meta(self, key):
        return self.meta.get(key, [None])[0]

    def first_link(self, rel):
        return self.links.get(rel, [None])[0]

    def tags(self):
        return {tag for tag, _ in self.elements}

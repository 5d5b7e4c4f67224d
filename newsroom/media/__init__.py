"""The media library: pictures uploaded once and reused by articles and authors.

The app lives in the project package, like the page cache, because both articles and
authors use its pictures and the dependencies point one way (authors cannot import
articles). It names no app: apps declare their uses of an image in ``usage`` and call
``publicity.sync`` when one changes. See docs/media.md.
"""

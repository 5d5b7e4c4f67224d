"""Side-by-side reading of two revisions: what changed in each field, word by word."""

import datetime
import difflib
import re

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import Section, Tag, plain_text

COMPARED = (
    ("headline", _("Headline")),
    ("slug", _("Slug")),
    ("standfirst", _("Standfirst")),
    ("body", _("Body")),
    ("source", _("Source line")),
    ("section_id", _("Section")),
    ("tags", _("Tags")),
    ("hero_alt", _("Alt text")),
    ("hero_caption", _("Caption")),
    ("hero_credit", _("Credit")),
    ("published_at", _("Publication time")),
    ("expires_at", _("Expiry time")),
)
_WORDS = re.compile(r"\s+|[^\s]+")


def readable(name, value):
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).strftime("%d %b %Y, %H:%M %Z")
    if name == "body":
        # Paragraph by paragraph, as the reader sees it, not as markup.
        return plain_text(value)
    if name == "section_id":
        return Section.objects.filter(pk=value).values_list("name", flat=True).first() or ""
    if name == "tags":
        return ", ".join(Tag.objects.filter(pk__in=value).values_list("name", flat=True))
    return str(value)


def word_diff(old, new):
    """Chunks of (kind, text): kind is "same", "removed" or "added". Texts stay unescaped."""
    a, b = _WORDS.findall(old), _WORDS.findall(new)
    chunks = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            chunks.append(("same", "".join(a[i1:i2])))
            continue
        if i2 > i1:
            chunks.append(("removed", "".join(a[i1:i2])))
        if j2 > j1:
            chunks.append(("added", "".join(b[j1:j2])))
    return chunks


def compare(old_version, new_version):
    """Each compared field with its chunks, changed fields first marked as such."""
    old, new = old_version.field_dict, new_version.field_dict
    rows = []
    for name, label in COMPARED:
        before, after = readable(name, old.get(name)), readable(name, new.get(name))
        rows.append(
            {
                "label": label,
                "changed": before != after,
                "chunks": word_diff(before, after) if before != after else [("same", after)],
            }
        )
    return rows

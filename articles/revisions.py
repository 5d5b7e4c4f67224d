"""Revisions read and brought back: the side-by-side comparison of two (every field, the
words word by word, the hero as pictures, the bylines in order) and the parts of a restore
that a revision keeps in more than one row."""

import datetime
import difflib
import json
import re

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from authors.models import Author
from newsroom.media.models import Image

from .models import Byline, Section, Tag, plain_text

COMPARED = (
    ("headline", _("Headline")),
    ("slug", _("Slug")),
    ("standfirst", _("Standfirst")),
    ("body", _("Body")),
    ("source", _("Source line")),
    ("section_id", _("Section")),
    ("tags", _("Tags")),
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
    """Each compared part, marked when it changed.

    Text rows carry word-diff chunks; the hero row the picture and its words on each side;
    the bylines row the names in order on each side.
    """
    old, new = old_version.field_dict, new_version.field_dict
    heroes = Image.objects.in_bulk({old.get("hero_id"), new.get("hero_id")} - {None})
    old_hero, new_hero = hero_of(old, heroes), hero_of(new, heroes)
    old_bylines, new_bylines = bylines_of(old_version), bylines_of(new_version)
    names = dict(
        Author.objects.filter(pk__in={*old_bylines, *new_bylines}).values_list("pk", "name")
    )
    before = [names.get(pk, gettext("(deleted author)")) for pk in old_bylines]
    after = [names.get(pk, gettext("(deleted author)")) for pk in new_bylines]
    rows = [
        {
            "label": _("Hero image"),
            "kind": "hero",
            "changed": _words(old_hero) != _words(new_hero),
            "before": old_hero,
            "after": new_hero,
        },
        {
            "label": _("Bylines"),
            "kind": "list",
            "changed": before != after,
            "before": before,
            "after": after,
        },
    ]
    for name, label in COMPARED:
        before, after = readable(name, old.get(name)), readable(name, new.get(name))
        rows.append(
            {
                "label": label,
                "kind": "text",
                "changed": before != after,
                "chunks": word_diff(before, after) if before != after else [("same", after)],
            }
        )
    return rows


def revised_fields(version):
    """The revision's fields as stored: a revision kept before a field existed lacks it
    (the hero was a file before it was a library image), where field_dict gives a default."""
    return json.loads(version.serialized_data)[0]["fields"]


def hero_of(fields, images_by_pk):
    """The hero a revision names: the library image (None when none) and this story's
    words for it, with a thumbnail staff can see whether or not the image is public."""
    image = images_by_pk.get(fields.get("hero_id"))
    thumbnail = image.picture("square", private=True) if image is not None else None
    return {
        "image_id": fields.get("hero_id"),
        "image": image,
        "thumbnail": thumbnail,
        "alt": fields.get("hero_alt") or "",
        "caption": fields.get("hero_caption") or "",
        "credit": fields.get("hero_credit") or "",
    }


def restore_hero(article, version, fields):
    """Point the article at the revision's hero image again.

    The library keeps the image (articles protect the images they use, and a replaced hero
    stays in the library), so it comes back with its renditions; the article's save asks the
    library to make it public again if the article is. A revision kept before heroes were
    library images leaves the current hero as it is.
    """
    if "hero" not in revised_fields(version):
        return
    hero_id = fields.get("hero_id")
    if hero_id is not None and not Image.objects.filter(pk=hero_id).exists():
        raise ValidationError(
            _(
                "The hero picture of that revision has been deleted from the media library, "
                "so the revision cannot be brought back. Nothing was restored."
            ),
            code="hero_gone",
        )
    article.hero_id = hero_id


def bylines_of(version):
    """The author ids of a revision's bylines, in byline order (ties keep their first order)."""
    lines = []
    for other in version.revision.version_set.get_for_model(Byline):
        line = other.field_dict
        if str(line.get("article_id")) == str(version.object_id):
            lines.append((line.get("position") or 0, int(other.object_id), line["author_id"]))
    return [author_id for _position, _pk, author_id in sorted(lines)]


def _words(hero):
    return (hero["image_id"], hero["alt"], hero["caption"], hero["credit"])


def restored_comment(version):
    revision = version.revision
    user = revision.user
    who = (user.get_full_name() or user.get_username()) if user else "—"
    return gettext("Restored from the revision of %(date)s by %(user)s") % {
        "date": timezone.localtime(revision.date_created).strftime("%d %b %Y %H:%M"),
        "user": who,
    }

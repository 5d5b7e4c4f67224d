"""Revisions read and brought back: the side-by-side comparison of two (every field, the
words word by word, the hero as pictures, the bylines in order) and the parts of a restore
that a revision keeps in more than one row."""

import datetime
import difflib
import json
import re

from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from authors.models import Author
from newsroom import images

from .models import Article, Byline, Section, Tag, plain_text

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
    old, new = stored_fields(old_version), stored_fields(new_version)
    old_hero, new_hero = hero_of(old), hero_of(new)
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
            "changed": old_hero != new_hero,
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


def hero_of(fields):
    """The hero a revision names: its picture (None when none, "" when no longer stored)
    and this story's words for it."""
    name = _file_name(fields.get("hero_image"))
    url = None
    if name:
        url = default_storage.url(name) if default_storage.exists(name) else ""
    return {
        "name": name,
        "url": url,
        "alt": fields.get("hero_alt") or "",
        "caption": fields.get("hero_caption") or "",
        "credit": fields.get("hero_credit") or "",
    }


def restore_hero(article, fields):
    """Point the article at the revision's hero again, with renditions made for it.

    Renditions are not kept in revisions (they are files, remade when the picture changes),
    so a picture that comes back gets them again; one whose file is gone is refused.
    """
    if "hero_image" not in fields:
        return
    name = _file_name(fields["hero_image"])
    if name == article.hero_image.name:
        return
    images.delete_renditions_on_commit(article.hero_renditions)
    article.hero_image = name
    if name:
        Article._meta.get_field("hero_image").update_dimension_fields(article, force=True)
        article.hero_renditions = images.make_renditions(article.hero_image, images.HERO_WIDTHS)
    else:
        article.hero_width = article.hero_height = None
        article.hero_renditions = {}


def stored_fields(version):
    """The revision's fields, or a ValidationError when its hero picture's file is gone
    (reading the fields opens it)."""
    name = json.loads(version.serialized_data)[0]["fields"].get("hero_image") or ""
    if name and not default_storage.exists(name):
        raise ValidationError(
            _(
                "The hero picture of that revision (%(name)s) is no longer stored, so the "
                "revision cannot be shown or brought back."
            ),
            code="hero_gone",
            params={"name": name},
        )
    return version.field_dict


def _file_name(value):
    return (getattr(value, "name", value) or "") if value else ""


def bylines_of(version):
    """The author ids of a revision's bylines, in byline order (ties keep their first order)."""
    lines = []
    for other in version.revision.version_set.get_for_model(Byline):
        line = other.field_dict
        if str(line.get("article_id")) == str(version.object_id):
            lines.append((line.get("position") or 0, int(other.object_id), line["author_id"]))
    return [author_id for _position, _pk, author_id in sorted(lines)]


def restored_comment(version):
    revision = version.revision
    user = revision.user
    who = (user.get_full_name() or user.get_username()) if user else "—"
    return gettext("Restored from the revision of %(date)s by %(user)s") % {
        "date": timezone.localtime(revision.date_created).strftime("%d %b %Y %H:%M"),
        "user": who,
    }

"""A WordPress export made into authors, sections, tags and articles, again and again.

Every object imported is linked to its WordPress key on the old site (WordPressLink), so a
second run over the same file, or a newer export of the same site, updates what the first
one made instead of doubling it. The file is read twice: once to check that it is a whole,
well-formed export (nothing is written if not), then to import it, one transaction per item,
so one bad post is reported and skipped without undoing the others.

Attachments' pictures are brought in (articles.wordpress.media) when the command is told
where the old uploads are; pages wait for a page model and are reported as left out. Other
apps import their part of each item through `articles.wordpress.register_handler`.

An article edited here since its last import is left alone by a rerun (and reported as a
conflict) unless the run overwrites: the link keeps the article's `modified` time.
"""

import hashlib
import html
import json
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import unquote, urlsplit

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import DatabaseError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator, slugify

from authors.models import Author

from ..models import (
    Article,
    Byline,
    Redirect,
    Section,
    Tag,
    WordPressLink,
    normalize_redirect_path,
    plain_text,
)
from ..roles import WRITER
from . import content, item_handlers, media, wxr

# What each WordPress status becomes; statuses not listed are left out (trash, auto-draft,
# inherit). A private or password-protected post becomes a draft, never public: this site
# has neither. A "future" post is published at a time to come: scheduled.
STATUSES = {
    "publish": Article.Status.PUBLISHED,
    "future": Article.Status.PUBLISHED,
    "draft": Article.Status.DRAFT,
    "pending": Article.Status.IN_REVIEW,
    "private": Article.Status.DRAFT,
}
_TAGS = re.compile(r"<[^>]*>")
# Letters that have no accent-free decomposition but a usual spelling in ASCII.
_LATIN_LETTERS = str.maketrans(
    {"æ": "ae", "Æ": "Ae", "ø": "o", "Ø": "O", "ß": "ss", "œ": "oe", "Œ": "Oe", "ð": "d",
     "Ð": "D", "þ": "th", "Þ": "Th", "ł": "l", "Ł": "L", "đ": "d", "Đ": "D"}
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Skipped:
    post_id: int | None
    title: str
    reason: str


@dataclass
class Summary:
    counts: Counter = field(default_factory=Counter)
    problems: list[str] = field(default_factory=list)
    unknown_shortcodes: Counter = field(default_factory=Counter)
    upload_urls: set[str] = field(default_factory=set)
    skipped: list[Skipped] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)

    def add_problem(self, message: str) -> None:
        self.problems.append(message)

    def skip(self, item, reason: str) -> None:
        self.skipped.append(Skipped(item.post_id, Truncator(_text(item.title)).chars(60), reason))


class ImportRun:
    """One import of one export file. `run(path)` returns the Summary."""

    def __init__(
        self,
        *,
        site: str = "",
        default_section: Section | None = None,
        dry_run: bool = False,
        overwrite: bool = False,
        create_staff: bool = False,
        media_source: media.MediaSource | None = None,
        progress=None,
    ):
        self.site = site
        self.default_section = default_section
        self.dry_run = dry_run
        self.overwrite = overwrite
        self.create_staff = create_staff
        self.media = media_source or media.MediaSource()
        # progress(done, total) after each item, for the command's progress bar.
        self.progress = progress
        self.item_count = 0
        self.items_done = 0
        self.attachments: dict[int, media.AttachmentInfo] = {}
        self.attachments_by_path: dict[str, int] = {}
        # Anything other apps want to keep for the whole run (the comments' settings...).
        self.cache: dict = {}
        # (kind, key) -> the sections and tags met so far in this run.
        self._named_objects: dict[tuple[str, str], Section | Tag] = {}
        # Old path -> new address, written in one statement at the end of each record.
        self._redirects: dict[str, str] = {}
        self.summary = Summary()
        self.info: wxr.SiteInfo | None = None
        self.categories: dict[str, wxr.Category] = {}
        self.categories_by_id: dict[int, wxr.Category] = {}
        self.tag_names: dict[str, str] = {}
        self.authors: dict[str, Author] = {}

    def run(self, path) -> Summary:
        # The whole file is checked before anything is written; on the way, what posts need
        # to know of attachments (their featured images may come later in the file).
        for record in wxr.read_wxr(path):
            if isinstance(record, wxr.Item):
                self.item_count += 1
                if record.post_type == "attachment" and record.post_id is not None:
                    self._remember_attachment(record)
        if not self.dry_run:
            for record in wxr.read_wxr(path):
                self._take(record)
            return self.summary
        # A dry run does everything, item by item as for real, inside one transaction that
        # is then rolled back.
        with transaction.atomic():
            for record in wxr.read_wxr(path):
                self._take(record)
            transaction.set_rollback(True)
        return self.summary

    def _remember_attachment(self, item: wxr.Item) -> None:
        url = item.attachment_url or item.guid
        self.attachments[item.post_id] = media.AttachmentInfo(
            post_id=item.post_id,
            url=url,
            title=_text(item.title),
            caption=_text(item.excerpt),
            alt=_text(item.meta("_wp_attachment_image_alt")),
            credit=_text(item.meta("_media_credit") or item.meta("_wp_attachment_credit")),
        )
        relative = media.uploads_relative(url)
        if relative:
            self.attachments_by_path[relative] = item.post_id

    # --- records -----------------------------------------------------------------------

    def _take(self, record) -> None:
        if isinstance(record, wxr.SiteInfo):
            self.info = record
            if not self.site:
                address = record.base_blog_url or record.base_site_url or record.link
                self.site = (urlsplit(address).hostname or "").lower()
            if not self.site:
                raise wxr.WXRError(
                    "The export names no site address; give one with --site (for example "
                    "old.example.org)."
                )
            self.add_feed_redirect()
        elif isinstance(record, wxr.Author):
            with transaction.atomic():
                self.authors[record.login] = self._author(record)
        elif isinstance(record, wxr.Category):
            self.categories[record.nicename] = record
            if record.term_id is not None:
                self.categories_by_id[record.term_id] = record
        elif isinstance(record, wxr.Tag):
            self.tag_names[record.slug] = record.name
        elif isinstance(record, wxr.Term):
            self.summary.counts["terms left out"] += 1
        elif isinstance(record, wxr.Item):
            self._item(record)
        self._flush_redirects()

    def _item(self, item: wxr.Item) -> None:
        label = f'{item.post_type} {item.post_id} "{Truncator(item.title).chars(60)}"'
        article = None
        try:
            with transaction.atomic():
                if item.post_type == "attachment":
                    self._attachment(item)
                elif item.post_type != "post":
                    self.summary.counts[f"{item.post_type}s left out"] += 1
                    self.summary.skip(item, f"a {item.post_type}, not a post")
                elif item.status not in STATUSES:
                    self.summary.counts[
                        f"posts with status {item.status or '(none)'} left out"
                    ] += 1
                    self.summary.skip(item, f"status {item.status or '(none)'}")
                else:
                    article = self._article(item, label)
                for handler in item_handlers():
                    handler(item=item, article=article, run=self)
                self._flush_redirects()
        except (ValidationError, DatabaseError, ValueError, media.MediaError) as error:
            self._forget_unsaved()
            self.summary.counts["posts failed"] += 1
            self.summary.add_problem(f"{label}: {_message(error)}")
            self.summary.skip(item, _message(error))
        self.items_done += 1
        if self.progress is not None:
            self.progress(self.items_done, self.item_count)

    # --- attachments -------------------------------------------------------------------

    def _attachment(self, item: wxr.Item) -> None:
        if not self.media or item.post_id not in self.attachments:
            self.summary.counts["attachments left out"] += 1
            self.summary.skip(item, "an attachment, and no --media-from or --media-base-url")
            return
        name = self._picture_name(item.post_id)
        if name is None:
            self.summary.counts["attachments left out"] += 1
            self.summary.skip(item, "its picture could not be imported (see above)")

    def _picture_name(self, attachment_id: int) -> str | None:
        """The stored name of an attachment's picture, imported on first use; None if it fails."""
        known = self.cache.setdefault("pictures", {})
        if attachment_id in known:
            return known[attachment_id]
        info = self.attachments[attachment_id]
        name = None
        try:
            with transaction.atomic():
                name = media.import_attachment(run=self, info=info)
        except (media.MediaError, ValidationError) as error:
            self.summary.counts["pictures failed"] += 1
            self.summary.add_problem(
                f'attachment {attachment_id} "{Truncator(info.title).chars(60)}": {_message(error)}'
            )
        known[attachment_id] = name
        if name is not None:
            old_path = normalize_redirect_path(info.url)
            self._add_redirect(old_path, default_storage.url(name), count="picture redirects")
        return name

    def _rewrite_upload(self, url: str) -> str | None:
        attachment_id = self.attachments_by_path.get(media.uploads_relative(url))
        if attachment_id is None or not self.media:
            return None
        name = self._picture_name(attachment_id)
        return default_storage.url(name) if name else None

    # --- authors, sections, tags -------------------------------------------------------

    def _linked(self, kind, key, model):
        link = WordPressLink.objects.filter(site=self.site, kind=kind, key=key).first()
        if link is None:
            return None
        return model.objects.filter(pk=link.object_id).first()

    def _link(self, kind, key, obj) -> None:
        WordPressLink.objects.update_or_create(
            site=self.site, kind=kind, key=key, defaults={"object_id": obj.pk}
        )

    def _author(self, record: wxr.Author) -> Author:
        full_name = f"{record.first_name} {record.last_name}".strip()
        name = (record.display_name or full_name or record.login)[:120]
        author = self._linked(WordPressLink.Kind.AUTHOR, record.login, Author)
        if author is None:
            author = Author(name=name, slug=_free_slug(Author, name or record.login, 140))
            self.summary.counts["authors created"] += 1
        else:
            author.name = name
            self.summary.counts["authors updated"] += 1
        author.full_clean()
        author.save()
        self._link(WordPressLink.Kind.AUTHOR, record.login, author)
        self._add_redirect(f"/author/{slugify(record.login)}/", author.get_absolute_url())
        if self.create_staff:
            self._staff_user(record, author)
        return author

    def _staff_user(self, record: wxr.Author, author: Author) -> None:
        """An inactive staff account without a usable password, in the Writer group."""
        if author.user_id is not None:
            return
        User = get_user_model()
        username = slugify(record.login)[:140] or f"wordpress-{record.id}"
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(
                username=username,
                email=record.email,
                first_name=record.first_name[:150],
                last_name=record.last_name[:150],
                is_staff=True,
                is_active=False,
            )
            user.set_unusable_password()
            user.save()
            self.summary.counts["staff accounts created"] += 1
        elif Author.objects.filter(user=user).exists():
            self.summary.add_problem(
                f'author "{record.login}": the account {username} already has an author.'
            )
            return
        group, _created = Group.objects.get_or_create(name=WRITER)
        user.groups.add(group)
        author.user = user
        author.save(update_fields=["user"])
        self._link(WordPressLink.Kind.USER, record.login, user)

    def _author_by_login(self, login: str) -> Author | None:
        if not login:
            return None
        if login not in self.authors:
            # Old exports (WXR 1.0) list no authors: the item's login is all there is.
            self.authors[login] = self._author(wxr.Author(None, login, "", "", "", ""))
        return self.authors[login]

    def _forget_unsaved(self) -> None:
        """After an item's transaction was undone, forget what it may have created."""
        self._redirects.clear()
        self._named_objects.clear()
        self.cache.pop("pictures", None)
        existing = set(
            Author.objects.filter(pk__in=[a.pk for a in self.authors.values()]).values_list(
                "pk", flat=True
            )
        )
        self.authors = {k: a for k, a in self.authors.items() if a.pk in existing}

    def _named(self, model, kind, key, name, max_length=80, *, old_prefix="category"):
        obj = self._named_objects.get((kind, key))
        if obj is not None:
            return obj
        obj = self._linked(kind, key, model)
        if obj is None:
            slug = slugify(unquote(key))[:max_length] or slugify(name)[:max_length]
            name = name[:max_length] or slug
            obj = model.objects.filter(slug=slug).first() or model.objects.filter(name=name).first()
            if obj is None:
                obj = model(name=name, slug=_free_slug(model, slug or "imported", max_length))
                obj.full_clean()
                obj.save()
                self.summary.counts[f"{model._meta.verbose_name_plural} created"] += 1
            self._link(kind, key, obj)
            self._add_redirect(f"/{old_prefix}/{unquote(key)}/", obj.get_absolute_url())
        self._named_objects[(kind, key)] = obj
        return obj

    def _section(self, item: wxr.Item) -> Section:
        categories = item.terms("category")
        primary = None
        primary_id = item.meta("_yoast_wpseo_primary_category")
        if primary_id.isdigit() and int(primary_id) in self.categories_by_id:
            nicename = self.categories_by_id[int(primary_id)].nicename
            primary = next((c for c in categories if c.nicename == nicename), None)
        if primary is None:
            # WordPress files every post under "Uncategorized" until it gets a category.
            named = [c for c in categories if c.nicename != "uncategorized"]
            primary = (named or [None])[0]
        if primary is None:
            if self.default_section is None:
                raise ValidationError(
                    "it has no category; give a section for such posts with --default-section."
                )
            return self.default_section
        name = primary.name or self._category_name(primary.nicename)
        return self._named(Section, WordPressLink.Kind.SECTION, primary.nicename, name)

    def _category_name(self, nicename):
        category = self.categories.get(nicename)
        return category.name if category else nicename

    def _tags(self, item: wxr.Item, section: Section) -> list[Tag]:
        tags = []
        for term in item.categories:
            if term.domain == "post_tag":
                name = term.name or self.tag_names.get(term.nicename, term.nicename)
                tags.append(
                    self._named(Tag, WordPressLink.Kind.TAG, term.nicename, name, old_prefix="tag")
                )
                continue
            elif term.domain == "category" and term.nicename != "uncategorized":
                as_section = self._named_objects.get((WordPressLink.Kind.SECTION, term.nicename))
                if as_section is None:
                    as_section = self._linked(WordPressLink.Kind.SECTION, term.nicename, Section)
                if as_section == section:
                    continue
                # A post's other categories become tags: it has one section here.
                name = term.name or self._category_name(term.nicename)
            else:
                continue
            tags.append(self._named(Tag, WordPressLink.Kind.TAG, term.nicename, name))
        return list(dict.fromkeys(tags))

    # --- articles ----------------------------------------------------------------------

    def _article(self, item: wxr.Item, label: str) -> Article:
        if item.post_id is None:
            raise ValidationError("it has no wp:post_id, so it could not be found again.")
        key = str(item.post_id)
        link = WordPressLink.objects.filter(
            site=self.site, kind=WordPressLink.Kind.POST, key=key
        ).first()
        article = Article.objects.filter(pk=link.object_id).first() if link else None
        fingerprint = _fingerprint(item)
        if article is not None:
            since = link.object_modified
            edited_here = since is not None and article.modified > since
            if link.fingerprint == fingerprint and not (edited_here and self.overwrite):
                self.summary.counts["articles unchanged"] += 1
                if article.is_public:
                    # A post scheduled at the last import may have been published since.
                    self._post_redirects(item, article)
                return article
            if edited_here and not self.overwrite:
                self.summary.counts["articles kept (edited here since)"] += 1
                self.summary.conflicts.append(
                    f"{label}: changed in WordPress and edited here since the last import; "
                    "kept as edited here (--overwrite replaces it)."
                )
                return article
        section = self._section(item)
        created = article is None
        if created:
            article = Article()
        base = self.info.base_site_url if self.info else ""
        converted = content.convert(
            item.content,
            uploads_url=f"{base.rstrip('/')}{content.UPLOADS_PATH}" if base else "",
            rewrite_url=self._rewrite_upload,
        )
        self.summary.unknown_shortcodes.update(converted.unknown_shortcodes)
        self.summary.upload_urls.update(
            url for url in converted.upload_urls if self._rewrite_upload(url) is None
        )
        headline = _text(item.title) or item.post_name or f"Post {item.post_id}"
        article.headline = Truncator(headline).chars(200)
        old_url = None if created or not article.is_public else article.get_absolute_url()
        article.slug = _article_slug(item, article)
        article.body = converted.html
        article.standfirst = _standfirst(item, converted.html, article.headline)
        article.section = section
        article.comments_enabled = item.comment_status == "open"
        article.is_featured = item.is_sticky
        status = STATUSES[item.status]
        if item.post_password:
            status = Article.Status.DRAFT
            self.summary.add_problem(f"{label}: password-protected, imported as a draft.")
        elif item.status == "private":
            self.summary.add_problem(f"{label}: private, imported as a draft.")
        article.status = status
        article.published_at = _published_at(item) if status == Article.Status.PUBLISHED else None
        modified = item.post_modified_gmt
        article.updated_at = (
            modified
            if status == Article.Status.PUBLISHED
            and modified
            and article.published_at
            and modified > article.published_at
            else None
        )
        self._hero(item, article)
        # The slug was made free above; the other checks (fields, constraints) all run.
        article.full_clean(validate_unique=False)
        article.save()
        author = self._author_by_login(item.creator)
        if created:
            if author is not None:
                Byline.objects.create(article=article, author=author, position=0)
            article.tags.add(*self._tags(item, section))
        else:
            if author is not None and not article.bylines.filter(author=author).exists():
                article.bylines.all().delete()
                Byline.objects.create(article=article, author=author, position=0)
            article.tags.set(self._tags(item, section))
        values = {
            "object_id": article.pk,
            "fingerprint": fingerprint,
            "object_modified": article.modified,
        }
        if link is None:
            WordPressLink.objects.create(
                site=self.site, kind=WordPressLink.Kind.POST, key=key, **values
            )
        else:
            WordPressLink.objects.filter(pk=link.pk).update(imported_at=timezone.now(), **values)
        self.summary.counts["articles created" if created else "articles updated"] += 1
        if article.is_public:
            # A scheduled post had no public address on the old site yet.
            new_url = article.get_absolute_url()
            if old_url and old_url != new_url:
                Redirect.objects.filter(target=old_url, source=Redirect.Source.IMPORT).update(
                    target=new_url
                )
            self._post_redirects(item, article)
        return article

    def _post_redirects(self, item: wxr.Item, article: Article) -> None:
        new_url = article.get_absolute_url()
        for old_path in _old_post_paths(item):
            self._add_redirect(old_path, new_url, count="redirects")

    def _hero(self, item: wxr.Item, article: Article) -> None:
        thumbnail = item.meta("_thumbnail_id").strip()
        info = self.attachments.get(int(thumbnail)) if thumbnail.isdigit() else None
        if info is None or not self.media:
            return
        name = self._picture_name(info.post_id)
        if name is None or self.dry_run:
            return
        # Alt text is required with a picture: the attachment's, else its title, else the
        # headline.
        alt = info.alt or info.title or article.headline
        article.hero = media.library_image(run=self, info=info, stored_name=name, alt=alt)
        article.hero_alt = Truncator(alt).chars(250)
        article.hero_caption = Truncator(info.caption).chars(300)
        article.hero_credit = Truncator(info.credit).chars(120)

    def _add_redirect(self, old_path: str, new_path: str, *, count: str = "redirects") -> None:
        """A Redirect row for one old address, unless it is this site's own address already."""
        old_path = normalize_redirect_path(old_path)
        if not old_path.startswith("/") or old_path in {"/", new_path} or len(old_path) > 500:
            return
        if old_path not in self._redirects:
            self.summary.counts[count] += 1
        self._redirects[old_path] = new_path

    def _flush_redirects(self) -> None:
        if not self._redirects:
            return
        Redirect.objects.bulk_create(
            [
                Redirect(old_path=old, target=new, source=Redirect.Source.IMPORT, site=self.site)
                for old, new in self._redirects.items()
            ],
            update_conflicts=True,
            unique_fields=["old_path"],
            update_fields=["target", "source", "site"],
        )
        self._redirects.clear()

    def add_feed_redirect(self) -> None:
        self._add_redirect("/feed/", reverse("articles:feed"))


def _old_post_paths(item: wxr.Item) -> list[str]:
    """The addresses a post may have had, whatever the old site's permalink settings."""
    paths = [normalize_redirect_path(item.link)]
    slug = item.post_name
    when = item.post_date or item.post_date_gmt
    if slug:
        if when:
            paths.append(f"/{when:%Y/%m/%d}/{slug}/")
            paths.append(f"/{when:%Y/%m}/{slug}/")
        paths.append(f"/{slug}/")
    paths += [f"{path.rstrip('/')}/feed/" for path in list(paths) if path.startswith("/")]
    return [unquote(path) for path in dict.fromkeys(paths)]


def _fingerprint(item: wxr.Item) -> str:
    fields = [
        item.title,
        item.content,
        item.excerpt,
        item.post_name,
        item.status,
        item.post_password,
        item.comment_status,
        item.is_sticky,
        item.creator,
        str(item.post_date_gmt or item.post_date or ""),
        str(item.post_modified_gmt or ""),
        [(c.domain, c.nicename, c.name) for c in item.categories],
        item.meta("_thumbnail_id"),
        item.meta("_yoast_wpseo_primary_category"),
    ]
    return hashlib.sha256(json.dumps(fields, default=str).encode()).hexdigest()


def _message(error) -> str:
    if isinstance(error, ValidationError):
        if hasattr(error, "error_dict"):
            return "; ".join(
                f"{name}: {' '.join(messages)}" for name, messages in error.message_dict.items()
            )
        return " ".join(error.messages)
    return str(error)


def _text(value: str) -> str:
    return " ".join(html.unescape(_TAGS.sub(" ", value or "")).split())


def _standfirst(item: wxr.Item, body_html: str, headline: str) -> str:
    text = _text(item.excerpt) or plain_text(body_html).split("\n")[0].strip() or headline
    return Truncator(" ".join(text.split())).chars(400)


def _published_at(item: wxr.Item) -> datetime:
    if item.post_date_gmt:
        return item.post_date_gmt
    if item.post_date:
        # Scheduled posts and some drafts carry only the site's local time.
        return timezone.make_aware(item.post_date)
    return item.pub_date or timezone.now()


def _ascii_slug(text: str) -> str:
    """A slug of ASCII letters (the address has no others), unless too little of it survives."""
    slug = slugify(text.translate(_LATIN_LETTERS))
    return slug if len(slug) * 2 > len(slugify(text, allow_unicode=True)) else ""


def _article_slug(item: wxr.Item, article: Article) -> str:
    base = _ascii_slug(unquote(item.post_name)) or _ascii_slug(_text(item.title))
    base = (base or f"post-{item.post_id}")[:200]
    taken = Article.objects.filter(slug=base).exclude(pk=article.pk).exists()
    # Two posts may share a slug in WordPress (different dates); here the address needs one.
    return f"{base[:190]}-{item.post_id}" if taken else base


def _free_slug(model, text: str, max_length: int) -> str:
    base = (slugify(text) or "imported")[: max_length - 4]
    slug, n = base, 2
    while model.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug

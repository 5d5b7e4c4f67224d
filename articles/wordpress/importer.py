"""A WordPress export made into authors, sections, tags and articles, again and again.

Every object imported is linked to its WordPress key on the old site (WordPressLink), so a
second run over the same file, or a newer export of the same site, updates what the first
one made instead of doubling it. The file is read twice: once to check that it is a whole,
well-formed export (nothing is written if not), then to import it, one transaction per item,
so one bad post is reported and skipped without undoing the others.

Attachments wait for the media library, pages for a page model; both are counted as left out.
Other apps import their part of each item through `articles.wordpress.register_handler`.
"""

import html
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import unquote, urlsplit

from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
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
from . import content, item_handlers, wxr

# What each WordPress status becomes; statuses not listed are left out (trash, auto-draft,
# inherit). A private or password-protected post becomes a draft: this site has neither.
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


@dataclass
class Summary:
    counts: Counter = field(default_factory=Counter)
    problems: list[str] = field(default_factory=list)
    unknown_shortcodes: Counter = field(default_factory=Counter)
    upload_urls: set[str] = field(default_factory=set)

    def add_problem(self, message: str) -> None:
        self.problems.append(message)


class ImportRun:
    """One import of one export file. `run(path)` returns the Summary."""

    def __init__(
        self,
        *,
        site: str = "",
        default_section: Section | None = None,
        dry_run: bool = False,
    ):
        self.site = site
        self.default_section = default_section
        self.dry_run = dry_run
        self.summary = Summary()
        self.info: wxr.SiteInfo | None = None
        self.categories: dict[str, wxr.Category] = {}
        self.categories_by_id: dict[int, wxr.Category] = {}
        self.tag_names: dict[str, str] = {}
        self.authors: dict[str, Author] = {}

    def run(self, path) -> Summary:
        # The whole file is checked before anything is written.
        for _record in wxr.read_wxr(path):
            pass
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

    def _item(self, item: wxr.Item) -> None:
        label = f'{item.post_type} {item.post_id} "{Truncator(item.title).chars(60)}"'
        article = None
        try:
            with transaction.atomic():
                if item.post_type != "post":
                    self.summary.counts[f"{item.post_type}s left out"] += 1
                elif item.status not in STATUSES:
                    self.summary.counts[
                        f"posts with status {item.status or '(none)'} left out"
                    ] += 1
                else:
                    article = self._article(item, label)
                for handler in item_handlers():
                    handler(item=item, article=article, run=self)
        except (ValidationError, DatabaseError, ValueError) as error:
            self.summary.counts["posts failed"] += 1
            self.summary.add_problem(f"{label}: {_message(error)}")

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
        return author

    def _author_by_login(self, login: str) -> Author | None:
        if not login:
            return None
        if login not in self.authors:
            # Old exports (WXR 1.0) list no authors: the item's login is all there is.
            self.authors[login] = self._author(wxr.Author(None, login, "", "", "", ""))
        return self.authors[login]

    def _named(self, model, kind, key, name, max_length=80):
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
            elif term.domain == "category" and term.nicename != "uncategorized":
                if self._linked(WordPressLink.Kind.SECTION, term.nicename, Section) == section:
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
        section = self._section(item)
        article = self._linked(WordPressLink.Kind.POST, key, Article)
        created = article is None
        if created:
            article = Article()
        base = self.info.base_site_url if self.info else ""
        converted = content.convert(
            item.content, uploads_url=f"{base.rstrip('/')}{content.UPLOADS_PATH}" if base else ""
        )
        self.summary.unknown_shortcodes.update(converted.unknown_shortcodes)
        self.summary.upload_urls.update(converted.upload_urls)
        headline = _text(item.title) or item.post_name or f"Post {item.post_id}"
        article.headline = Truncator(headline).chars(200)
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
        article.full_clean()
        article.save()
        author = self._author_by_login(item.creator)
        if author is not None and not article.bylines.filter(author=author).exists():
            article.bylines.all().delete()
            Byline.objects.create(article=article, author=author, position=0)
        article.tags.set(self._tags(item, section))
        self._link(WordPressLink.Kind.POST, key, article)
        self.summary.counts["articles created" if created else "articles updated"] += 1
        if article.is_public:
            # A scheduled post had no public address on the old site yet.
            self._redirect(item.link, article)
        return article

    def _redirect(self, link: str, article: Article) -> None:
        old_path = normalize_redirect_path(link)
        new_path = article.get_absolute_url()
        if not old_path.startswith("/") or old_path in {"/", new_path} or len(old_path) > 500:
            return
        Redirect.objects.update_or_create(
            old_path=old_path,
            defaults={"target": new_path, "source": Redirect.Source.IMPORT, "site": self.site},
        )
        self.summary.counts["redirects"] += 1


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

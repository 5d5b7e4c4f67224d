"""A WordPress export made into authors, sections, tags and articles, again and again.

Every object imported is linked to its WordPress key on the old site (WordPressLink), so a
second run over the same file, or a newer export of the same site, updates what the first
one made instead of doubling it. The file is read twice: once to check that it is a whole,
well-formed export (nothing is written if not), then to import it.

Items are imported in batches (BATCH_SIZE), one transaction per batch: what a batch needs
is looked up in a few queries, its new articles, bylines, tags, links and redirects are
written with one insert each, and the page cache is told once. A batch that fails is undone
and imported again one item per transaction, so one bad post is reported and skipped
without undoing the others, as if every item had its own transaction.

Attachments' pictures are brought in (articles.wordpress.media) when the command is told
where the old uploads are; pages wait for a page model and are reported as left out. Other
apps import their part of each batch through `articles.wordpress.register_batch_handler`.

An article edited here since its last import is left alone by a rerun (and reported as a
conflict) unless the run overwrites: the link keeps the article's `modified` time.
"""

from dataclasses import dataclass
from functools import partial
from urllib.parse import unquote, urlsplit

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator, slugify

from authors.models import Author
from newsroom import pagecache
from newsroom.media import publicity
from newsroom.media.models import Image

from .. import body_pictures
from ..models import (
    Article,
    BodyImage,
    Byline,
    Redirect,
    Section,
    Tag,
    WordPressLink,
    normalize_redirect_path,
)
from ..roles import WRITER
from . import analyze_tables, batch_handlers, content, item_handlers, media, posts, wxr
from .summary import Summary

# Items per transaction: large enough that a batch's few statements cost little per post,
# small enough that a batch's objects and its undo stay small.
BATCH_SIZE = 250
# What makes an item (or a batch) fail without stopping the import.
ITEM_ERRORS = (ValidationError, DatabaseError, ValueError, media.MediaError)


@dataclass(slots=True)
class _NewArticle:
    """An article made of a post in this batch, written with the batch's other new ones."""

    item: wxr.Item
    article: Article
    fingerprint: str
    author: Author | None
    tags: list[Tag]


@dataclass(slots=True)
class _Known:
    """What the batch's posts became in earlier runs, and the slugs their addresses want."""

    links: dict[str, WordPressLink]
    articles: dict[int, Article]
    # Slug -> who has it: an article's pk, or "new:<post id>" for one made in this batch.
    slugs: dict[str, object]


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
        batch_size: int = BATCH_SIZE,
    ):
        self.site = site
        self.default_section = default_section
        self.dry_run = dry_run
        self.overwrite = overwrite
        self.create_staff = create_staff
        self.media = media_source or media.MediaSource()
        # progress(done, total) after each item, for the command's progress bar.
        self.progress = progress
        self.batch_size = max(1, batch_size)
        self.item_count = 0
        self.items_done = 0
        # The attachments, and the library images their pictures became.
        self.pictures = media.Pictures(self)
        # Anything other apps want to keep for the whole run (the comments' settings...).
        self.cache: dict = {}
        # (kind, key) -> the sections and tags met so far in this run.
        self._named_objects: dict[tuple[str, str], Section | Tag] = {}
        # Old path -> new address, written in one statement at the end of each batch.
        self._redirects: dict[str, str] = {}
        self._new: list[_NewArticle] = []
        # Page-cache versions the batch moves, in one invalidation when it is written.
        self._touched: set[str] = set()
        self.summary = Summary()
        self.info: wxr.SiteInfo | None = None
        self.categories: dict[str, wxr.Category] = {}
        self.categories_by_id: dict[int, wxr.Category] = {}
        self.tag_names: dict[str, str] = {}
        self.authors: dict[str, Author] = {}
        # Models written in bulk, whose tables get fresh planner statistics at the end.
        self.written_models = {Article, Article.tags.through, Author, BodyImage, Byline, Image}
        self.written_models |= {Redirect, Section, Tag, WordPressLink}

    def run(self, path) -> Summary:
        # The whole file is checked before anything is written; on the way, what posts need
        # to know of attachments (their featured images may come later in the file).
        for record in wxr.read_wxr(path):
            if isinstance(record, wxr.Item):
                self.item_count += 1
                if record.post_type == "attachment" and record.post_id is not None:
                    self.pictures.add(media.AttachmentInfo.of(record))
        if not self.dry_run:
            self._import(path)
            analyze_tables(self.written_models)
            return self.summary
        # A dry run does everything, batch by batch as for real, inside one transaction
        # that is then rolled back.
        with transaction.atomic():
            self._import(path)
            transaction.set_rollback(True)
        return self.summary

    def _import(self, path) -> None:
        batch = []
        for record in wxr.read_wxr(path):
            if isinstance(record, wxr.Item):
                batch.append(record)
                if len(batch) >= self.batch_size:
                    self._batch(batch)
                    batch = []
                continue
            if batch:
                # Items come after the site's authors and terms; should one not, the items
                # before it are imported first, in the file's order.
                self._batch(batch)
                batch = []
            self._take(record)
        if batch:
            self._batch(batch)

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
        self._flush_redirects()

    def _batch(self, items: list[wxr.Item]) -> None:
        """Import the items in one transaction; if that fails, each in its own."""
        if len(items) > 1:
            checkpoint = self._checkpoint()
            try:
                with transaction.atomic():
                    self._items(items)
                self.pictures.committed()
                return
            except ITEM_ERRORS:
                self._undo(checkpoint)
                self.summary.counts["batches imported again one item at a time"] += 1
        for item in items:
            checkpoint = self._checkpoint()
            try:
                with transaction.atomic():
                    self._items([item])
                self.pictures.committed()
            except ITEM_ERRORS as error:
                self._undo(checkpoint)
                self._failed(item, error)
                self._advance()

    def _items(self, items: list[wxr.Item]) -> None:
        known = self._known(items)
        done = []
        for item in items:
            label = _label(item)
            article = None
            if item.post_type == "attachment":
                self._attachment(item)
            elif item.post_type != "post":
                self.summary.counts[f"{item.post_type}s left out"] += 1
                self.summary.skip(item, f"a {item.post_type}, not a post")
            elif item.status not in posts.STATUSES:
                self.summary.counts[f"posts with status {item.status or '(none)'} left out"] += 1
                self.summary.skip(item, f"status {item.status or '(none)'}")
            else:
                try:
                    article = self._article(item, label, known)
                except posts.LeftOut as error:
                    # Found out before anything of the post was written: the rest goes on.
                    self._failed(item, error)
                    self._advance()
                    continue
            done.append((item, article))
            self._advance()
        if self._insert_new_articles():
            # Written without the models' signals: the site's pages change once per batch.
            self.touch(pagecache.SITE)
        for item, article in done:
            for handler in item_handlers():
                handler(item=item, article=article, run=self)
        for handler in batch_handlers():
            handler(items=done, run=self)
        self._flush_redirects()
        touched, self._touched = self._touched, set()
        pagecache.touch(*sorted(touched))

    def wrote(self, *models) -> None:
        """Note models another app wrote in bulk: their tables are analysed at the end."""
        self.written_models.update(models)

    def touch(self, *names: str) -> None:
        """Move these page-cache versions with the batch: one invalidation for all of them."""
        self._touched.update(names)

    def _failed(self, item: wxr.Item, error) -> None:
        self.summary.counts["posts failed"] += 1
        self.summary.add_problem(f"{_label(item)}: {posts.message(error)}")
        self.summary.skip(item, posts.message(error))

    def _advance(self) -> None:
        self.items_done += 1
        if self.progress is not None:
            self.progress(self.items_done, self.item_count)

    def _checkpoint(self):
        return self.summary.checkpoint(), self.items_done

    def _undo(self, checkpoint) -> None:
        """After a transaction was undone, forget what it counted and may have created."""
        summary, self.items_done = checkpoint
        self.summary.undo(summary)
        self._new.clear()
        self._touched.clear()
        self._redirects.clear()
        self._named_objects.clear()
        self.pictures.undo()
        existing = set(
            Author.objects.filter(pk__in=[a.pk for a in self.authors.values()]).values_list(
                "pk", flat=True
            )
        )
        self.authors = {k: a for k, a in self.authors.items() if a.pk in existing}

    # --- attachments -------------------------------------------------------------------

    def _attachment(self, item: wxr.Item) -> None:
        if not self.media or item.post_id not in self.pictures.attachments:
            reason = "an attachment, and no --media-from or --media-base-url"
        elif self.pictures.get(item.post_id) is None and self.pictures.failed(item.post_id):
            reason = "its picture could not be imported (see above)"
        else:
            return
        self.summary.counts["attachments left out"] += 1
        self.summary.skip(item, reason)

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
        changed = author is None or author.name != name
        if author is None:
            author = Author(name=name, slug=posts.free_slug(Author, name or record.login, 140))
            self.summary.counts["authors created"] += 1
        elif changed:
            author.name = name
            self.summary.counts["authors updated"] += 1
        else:
            # Saved again, it would only tell the page cache that every page changed.
            self.summary.counts["authors unchanged"] += 1
        if changed:
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
                obj = model(name=name, slug=posts.free_slug(model, slug or "imported", max_length))
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
                raise posts.LeftOut(
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

    def _known(self, items: list[wxr.Item]) -> _Known:
        """What the batch's posts need from the database, in three queries for the batch."""
        post_items = [i for i in items if i.post_type == "post" and i.post_id is not None]
        links = {
            link.key: link
            for link in WordPressLink.objects.filter(
                site=self.site,
                kind=WordPressLink.Kind.POST,
                key__in=[str(item.post_id) for item in post_items],
            )
        }
        articles = Article.objects.in_bulk([link.object_id for link in links.values()])
        wanted = {posts.base_slug(item) for item in post_items}
        slugs = dict(Article.objects.filter(slug__in=wanted).values_list("slug", "pk"))
        return _Known(links=links, articles=articles, slugs=slugs)

    def _article(self, item: wxr.Item, label: str, known: _Known) -> Article:
        if item.post_id is None:
            raise posts.LeftOut("it has no wp:post_id, so it could not be found again.")
        link = known.links.get(str(item.post_id))
        article = known.articles.get(link.object_id) if link else None
        fingerprint = posts.fingerprint(item)
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
        if article is None:
            article = Article()
            self._fill(item, article, section, label, known)
            # The slug was made free and the section found or made above, and the database
            # holds the constraints: the other checks (fields, clean()) run here, those when
            # the batch is written.
            article.full_clean(
                exclude=["section"], validate_unique=False, validate_constraints=False
            )
            author = self._author_by_login(item.creator)
            tags = self._tags(item, section)
            self._new.append(_NewArticle(item, article, fingerprint, author, tags))
            return article
        return self._update(item, article, link, fingerprint, section, label, known)

    def _fill(self, item, article, section, label, known: _Known) -> None:
        """Set the article's fields from the post (the same for a new and an updated one)."""
        base = self.info.base_site_url if self.info else ""
        converted = content.convert(
            item.content,
            uploads_url=f"{base.rstrip('/')}{content.UPLOADS_PATH}" if base else "",
            picture_id=self.pictures.id_for,
        )
        self.summary.unknown_shortcodes.update(converted.unknown_shortcodes)
        self.summary.upload_urls.update(
            url for url in converted.upload_urls if self.pictures.id_for(url) is None
        )
        if converted.linked_pictures:
            self.summary.counts["pictures from elsewhere kept as links"] += len(
                converted.linked_pictures
            )
        headline = posts.text(item.title) or item.post_name or f"Post {item.post_id}"
        article.headline = Truncator(headline).chars(200)
        owner = article.pk or f"new:{item.post_id}"
        holder = known.slugs.get(posts.base_slug(item), owner)
        article.slug = posts.article_slug(item, taken=holder != owner)
        known.slugs.setdefault(article.slug, owner)
        article.body = converted.html
        article.standfirst = posts.standfirst(item, converted.html, article.headline)
        article.section = section
        article.comments_enabled = item.comment_status == "open"
        article.is_featured = item.is_sticky
        status = posts.STATUSES[item.status]
        if item.post_password:
            status = Article.Status.DRAFT
            self.summary.add_problem(f"{label}: password-protected, imported as a draft.")
        elif item.status == "private":
            self.summary.add_problem(f"{label}: private, imported as a draft.")
        article.status = status
        published = status == Article.Status.PUBLISHED
        article.published_at = posts.published_at(item) if published else None
        modified = item.post_modified_gmt
        article.updated_at = (
            modified
            if published and modified and article.published_at and modified > article.published_at
            else None
        )
        self._hero(item, article)

    def _update(self, item, article, link, fingerprint, section, label, known) -> Article:
        """A post changed in WordPress since the last import: saved as any edit here."""
        old_url = article.get_absolute_url() if article.is_public else None
        self._fill(item, article, section, label, known)
        # The slug was made free above; the other checks (fields, constraints) all run.
        article.full_clean(validate_unique=False)
        article.save()
        author = self._author_by_login(item.creator)
        if author is not None and not article.bylines.filter(author=author).exists():
            article.bylines.all().delete()
            Byline.objects.create(article=article, author=author, position=0)
        article.tags.set(self._tags(item, section))
        WordPressLink.objects.filter(pk=link.pk).update(
            imported_at=timezone.now(),
            object_id=article.pk,
            fingerprint=fingerprint,
            object_modified=article.modified,
        )
        self.summary.counts["articles updated"] += 1
        if article.is_public:
            # A scheduled post had no public address on the old site yet.
            new_url = article.get_absolute_url()
            if old_url and old_url != new_url:
                Redirect.objects.filter(target=old_url, source=Redirect.Source.IMPORT).update(
                    target=new_url
                )
            self._post_redirects(item, article)
        return article

    def _insert_new_articles(self) -> bool:
        """Write the batch's new articles with their bylines, tags and links; whether any."""
        new, self._new = self._new, []
        if not new:
            return False
        for entry in new:
            # What Article.save() would settle: cleaned fields, renditions, the words.
            entry.article.derive_fields()
        Article.objects.bulk_create([entry.article for entry in new])
        Article.objects.filter(pk__in=[entry.article.pk for entry in new]).update_search_vectors()
        Byline.objects.bulk_create(
            [
                Byline(article=entry.article, author=entry.author, position=0)
                for entry in new
                if entry.author is not None
            ]
        )
        ArticleTag = Article.tags.through
        ArticleTag.objects.bulk_create(
            [ArticleTag(article=entry.article, tag=tag) for entry in new for tag in entry.tags]
        )
        WordPressLink.objects.bulk_create(
            [
                WordPressLink(
                    site=self.site,
                    kind=WordPressLink.Kind.POST,
                    key=str(entry.item.post_id),
                    object_id=entry.article.pk,
                    fingerprint=entry.fingerprint,
                    object_modified=entry.article.modified,
                )
                for entry in new
            ]
        )
        # bulk_create sends no save signal: the pictures in their text are recorded here, and
        # the pictures of the published ones go public once the batch has committed (a dry
        # run's batch never does).
        in_text = [
            BodyImage(article=entry.article, image_id=image_id)
            for entry in new
            for image_id in body_pictures.image_ids(entry.article.body)
        ]
        BodyImage.objects.bulk_create(in_text)
        shown = {entry.article.hero_id for entry in new} | {row.image_id for row in in_text}
        shown.discard(None)
        if shown:
            transaction.on_commit(partial(publicity.sync, sorted(shown)))
        self.summary.counts["articles created"] += len(new)
        for entry in new:
            if entry.article.is_public:
                self._post_redirects(entry.item, entry.article)
        return True

    def _post_redirects(self, item: wxr.Item, article: Article) -> None:
        new_url = article.get_absolute_url()
        for old_path in posts.old_post_paths(item):
            self._add_redirect(old_path, new_url, count="redirects")

    def _hero(self, item: wxr.Item, article: Article) -> None:
        """The post's featured image as the article's hero, when its picture was imported."""
        thumbnail = item.meta("_thumbnail_id").strip()
        info = self.pictures.attachments.get(int(thumbnail)) if thumbnail.isdigit() else None
        if info is None or not self.media:
            return
        image = self.pictures.get(info.post_id)
        if image is None:
            return
        # Alt text is required with a picture: the attachment's, else its title, else the
        # headline.
        alt = info.alt or info.title or article.headline
        article.hero = image
        article.hero_alt = Truncator(alt).chars(250)
        article.hero_caption = Truncator(info.caption).chars(300)
        article.hero_credit = Truncator(info.credit).chars(120)

    def add_picture_redirect(self, old_url: str, image) -> None:
        self._add_redirect(old_url, "", image_id=image.pk, count="picture redirects")

    def _add_redirect(
        self, old_path: str, new_path: str, *, image_id=None, count: str = "redirects"
    ) -> None:
        """A Redirect row for one old address, unless it is this site's own address already.

        With `image_id`, the old address is a picture's: it answers with the library image's
        public address while it has one (`new_path` is then empty).
        """
        old_path = normalize_redirect_path(old_path)
        if not old_path.startswith("/") or old_path in {"/", new_path} or len(old_path) > 500:
            return
        if old_path not in self._redirects:
            self.summary.counts[count] += 1
        self._redirects[old_path] = (new_path, image_id)

    def _flush_redirects(self) -> None:
        if not self._redirects:
            return
        Redirect.objects.bulk_create(
            [
                Redirect(
                    old_path=old,
                    target=new,
                    image_id=image_id,
                    source=Redirect.Source.IMPORT,
                    site=self.site,
                )
                for old, (new, image_id) in self._redirects.items()
            ],
            update_conflicts=True,
            unique_fields=["old_path"],
            update_fields=["target", "image", "source", "site"],
        )
        self._redirects.clear()

    def add_feed_redirect(self) -> None:
        self._add_redirect("/feed/", reverse("articles:feed"))


def _label(item: wxr.Item) -> str:
    return f'{item.post_type} {item.post_id} "{Truncator(item.title).chars(60)}"'

import html
import math
import re
import secrets

import reversion
from django.conf import settings
from django.contrib.postgres.search import (
    SearchHeadline,
    SearchQuery,
    SearchRank,
    SearchVector,
    SearchVectorField,
)
from django.core.exceptions import ValidationError
from django.db import connection, models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from newsroom import pagecache, sanitize
from newsroom.addresses import slug_address

from .. import conf
from .addresses import day_address, kept_url, story_address
from .body_images import BodyImage, BodyPictures

SEARCH_CONFIG = "english"


class Section(models.Model):
    name = models.CharField(_("name"), max_length=80, unique=True)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    description = models.CharField(
        _("description"),
        max_length=300,
        blank=True,
        help_text=_("One sentence, used as the section page's meta description."),
    )
    position = models.PositiveSmallIntegerField(
        _("position"), default=0, help_text=_("Order in the navigation, smallest first.")
    )

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("section")
        verbose_name_plural = _("sections")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return kept_url(self, (self.slug,), lambda: slug_address("articles:section", self.slug))


class Tag(models.Model):
    name = models.CharField(_("name"), max_length=80, unique=True)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("tag")
        verbose_name_plural = _("tags")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return slug_address("articles:tag", self.slug)


# Large columns a teaser never shows; loading them costs more than the rest of the row.
LISTING_DEFERRED = ("body", "body_text", "search_vector", "rank_vector")


class ArticleQuerySet(models.QuerySet):
    def public(self, *, at=None):
        """What readers may see: published, its time has come, and not expired."""
        now = at or timezone.now()
        return self.filter(
            Q(expires_at__isnull=True) | Q(expires_at__gt=now),
            status=Article.Status.PUBLISHED,
            published_at__lte=now,
        )

    def newest_first(self):
        return self.order_by("-published_at", "-pk")

    def for_listing(self):
        """Everything a teaser shows (section, picture, bylines) in a fixed number of queries."""
        return (
            self.select_related("section", "hero")
            .prefetch_related(prefetch_bylines())
            .defer(*LISTING_DEFERRED)
        )

    def search(self, text):
        """Full-text search, best matches first on PostgreSQL, newest first elsewhere.

        Only what ranks and counts the matches: with_snippets() adds what a results page
        shows, for the few rows it shows (see articles.paginator.SearchPaginator).
        """
        if connection.vendor == "postgresql":
            query = search_query(text)
            # Ranked by the headline and standfirst alone: a short vector stored in the row,
            # where ranking by the whole text read every match's long, out-of-line vector
            # (three times slower for a common query). Matches in the body alone rank
            # equal, newest first.
            return (
                self.filter(search_vector=query)
                .annotate(rank=SearchRank(F("rank_vector"), query))
                .order_by("-rank", "-published_at", "-pk")
            )
        terms = text.split()[:10]
        condition = Q()
        for term in terms:
            condition &= (
                Q(headline__icontains=term)
                | Q(standfirst__icontains=term)
                | Q(body_text__icontains=term)
            )
        return self.filter(condition).newest_first() if terms else self.none()

    def update_search_vectors(self):
        """Recompute the stored search vectors of these articles (PostgreSQL only)."""
        if connection.vendor != "postgresql":
            return 0
        return self.update(search_vector=search_vector(), rank_vector=rank_vector())

    def with_snippets(self, text):
        """A highlighted extract of each article's text around the words searched for."""
        if connection.vendor != "postgresql":
            return self
        return self.annotate(
            snippet=SearchHeadline(
                "body_text",
                search_query(text),
                config=SEARCH_CONFIG,
                start_sel=sanitize.HIGHLIGHT_START,
                stop_sel=sanitize.HIGHLIGHT_STOP,
                max_words=40,
                min_words=20,
                max_fragments=2,
                fragment_delimiter=" … ",
            )
        )


def search_query(text):
    return SearchQuery(text, search_type="websearch", config=SEARCH_CONFIG)


def new_preview_key():
    return secrets.token_urlsafe(16)


class Article(BodyPictures, models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        IN_REVIEW = "review", _("In review")
        PUBLISHED = "published", _("Published")
        UNPUBLISHED = "unpublished", _("Unpublished")

    headline = models.CharField(_("headline"), max_length=200)
    slug = models.SlugField(
        _("slug"),
        max_length=200,
        unique=True,
        help_text=_("The last part of the article's address. Keep it short; it never changes."),
    )
    standfirst = models.CharField(
        _("standfirst"),
        max_length=400,
        help_text=_("The one- or two-sentence summary under the headline."),
    )
    body = models.TextField(
        _("body"),
        blank=True,
        help_text=_("Cleaned on save: only paragraphs, subheadings, quotes, lists, links and "
                    "images from the media library are kept."),
    )  # fmt: skip
    body_text = models.TextField(editable=False, blank=True)
    word_count = models.PositiveIntegerField(editable=False, default=0)
    source = models.CharField(
        _("source line"),
        max_length=200,
        blank=True,
        help_text=_('Shown as "Source: …" under the article, for example "News agencies".'),
    )
    section = models.ForeignKey(
        Section, verbose_name=_("section"), on_delete=models.PROTECT, related_name="articles"
    )
    tags = models.ManyToManyField(Tag, verbose_name=_("tags"), blank=True, related_name="articles")
    authors = models.ManyToManyField(
        "authors.Author",
        verbose_name=_("bylines"),
        through="Byline",
        related_name="articles",
        blank=True,
    )
    related_articles = models.ManyToManyField(
        "self",
        verbose_name=_("related stories"),
        symmetrical=False,
        blank=True,
        help_text=_("Shown first under the article; the rest come from the same tags."),
    )

    hero = models.ForeignKey(
        "media.Image",
        verbose_name=_("hero image"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        # Indexed as article_hero_idx, built concurrently on PostgreSQL.
        db_index=False,
        help_text=_(
            "A picture from the media library (the magnifier opens it), or upload one below."
        ),
    )
    hero_alt = models.CharField(
        _("alt text"),
        max_length=250,
        blank=True,
        help_text=_(
            "What the image shows in this story, for readers who cannot see it. Required "
            "with an image; the library's alt text when left empty."
        ),
    )
    hero_caption = models.CharField(_("caption"), max_length=300, blank=True)
    hero_credit = models.CharField(
        _("credit"), max_length=120, blank=True, help_text=_("Photographer / agency.")
    )

    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    is_featured = models.BooleanField(
        _("feature on the front page"),
        default=False,
        help_text=_("The newest featured story leads the front page."),
    )
    published_at = models.DateTimeField(
        _("publication time"),
        null=True,
        blank=True,
        help_text=_("A future time schedules the article: it appears by itself at that time."),
    )
    first_published_at = models.DateTimeField(null=True, blank=True, editable=False)
    updated_at = models.DateTimeField(
        _("updated"),
        null=True,
        blank=True,
        help_text=_('Set for a substantive update; readers see "Updated" with this time.'),
    )
    expires_at = models.DateTimeField(
        _("expiry time"),
        null=True,
        blank=True,
        help_text=_("Optional: the article leaves the site by itself at this time."),
    )
    comments_enabled = models.BooleanField(_("comments enabled"), default=True)
    comments_close_at = models.DateTimeField(_("comments close"), null=True, blank=True)

    version = models.PositiveIntegerField(default=1, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    modified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("last edited by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    # Part of every shared preview link: changing it revokes the links given out so far.
    preview_key = models.CharField(max_length=32, default=new_preview_key, editable=False)
    created = models.DateTimeField(_("created"), auto_now_add=True)
    modified = models.DateTimeField(_("modified"), auto_now=True)
    # Filled on PostgreSQL only (a GIN index serves it); other databases search plainly.
    search_vector = SearchVectorField(null=True, editable=False)
    # What search results are ranked by (PostgreSQL): headline and standfirst only.
    rank_vector = SearchVectorField(null=True, editable=False)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-pk"]
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        get_latest_by = "published_at"
        permissions = [
            ("publish_article", _("Can publish, schedule and unpublish articles")),
            ("review_article", _("Can return articles in review to their writers")),
            ("edit_any_article", _("Can edit anyone's articles, whatever their status")),
        ]
        indexes = [
            models.Index(fields=["status", "-published_at"], name="article_status_pub_idx"),
            # Carries expires_at and the id too, so that counting a section's public articles
            # and skipping to a deep page of them read this index alone rather than a table
            # page per row (PostgreSQL; SQLite builds it without).
            models.Index(
                fields=["section", "status", "-published_at"],
                include=["expires_at", "id"],
                name="article_section_listing_idx",
            ),
            models.Index(fields=["first_published_at"], name="article_first_pub_idx"),
            # The editors' list, newest first whatever the status: without it, a million
            # rows were sorted for every visit to the article admin.
            models.Index(fields=["-published_at", "-id"], name="article_published_idx"),
            # Few articles expire or close their comments at a set time; the page cache asks
            # when the next one does.
            models.Index(
                fields=["expires_at"],
                name="article_expires_idx",
                condition=Q(expires_at__isnull=False),
            ),
            models.Index(
                fields=["comments_close_at"],
                name="article_comments_close_idx",
                condition=Q(comments_close_at__isnull=False),
            ),
            models.Index(
                fields=["is_featured", "status", "-published_at"],
                name="article_featured_pub_idx",
            ),
            # Where an image is used, and the check that keeps a used image from deletion.
            models.Index(fields=["hero"], name="article_hero_idx"),
            # The sitemap index's pages of ids and each one's latest change, read from this
            # index alone rather than from every row of the table (PostgreSQL).
            models.Index(
                fields=["id"],
                include=["status", "published_at", "expires_at", "modified"],
                name="article_sitemap_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="published") | Q(published_at__isnull=False),
                name="article_published_has_time",
                violation_error_message=_("A published article needs a publication time."),
            ),
            models.CheckConstraint(
                condition=Q(hero__isnull=True) | ~Q(hero_alt=""),
                name="article_hero_has_alt",
                violation_error_message=_("Describe the hero image in its alt text."),
            ),
        ]

    def __str__(self):
        return self.headline

    def save(self, *args, **kwargs):
        self.derive_fields()
        created = self._state.adding
        super().save(*args, **kwargs)
        Article.objects.filter(pk=self.pk).update_search_vectors()
        self.record_body_images(created=created)

    def get_absolute_url(self):
        moment = self.first_published_at or self.published_at or self.created

        return kept_url(
            self, (moment, self.slug), lambda: story_address(self.publication_date, self.slug)
        )

    def derive_fields(self):
        """Settle what save() stores besides the fields as typed.

        Cleaned text and HTML, the hero's renditions, the words and the date of first
        publication. Called by save(), and by bulk writers (the WordPress import) before
        bulk_create, which would otherwise skip it; they then call update_search_vectors().
        """
        # Control characters pasted from word processors are invisible and break XML feeds.
        for field in (
            "headline",
            "standfirst",
            "source",
            "hero_alt",
            "hero_caption",
            "hero_credit",
        ):
            setattr(self, field, sanitize.strip_control_characters(getattr(self, field)))
        self.body = sanitize.clean_article_html(self.referenced_body())
        self.body_text = plain_text(self.body)
        self.word_count = len(self.body_text.split())
        # The date in the URL is that of first publication: fixed once the article has been
        # seen, following the schedule until then, and forgotten if the schedule is withdrawn.
        now = timezone.now()
        not_yet_seen = self.first_published_at is None or self.first_published_at > now
        if self.status == self.Status.PUBLISHED:
            if self.published_at is None:
                self.published_at = now
            if not_yet_seen:
                self.first_published_at = self.published_at
        elif not_yet_seen:
            self.first_published_at = None

    def clean(self):
        super().clean()
        errors = {}
        if self.hero_id and not self.hero_alt.strip():
            errors["hero_alt"] = ValidationError(
                _("Describe the image for readers who cannot see it."), code="required"
            )
        if self.status == self.Status.PUBLISHED and not self.published_at:
            self.published_at = timezone.now()
        if self.expires_at and self.published_at and self.expires_at <= self.published_at:
            errors["expires_at"] = ValidationError(
                _("The expiry time must be after the publication time."), code="invalid"
            )
        if errors:
            raise ValidationError(errors)

    @property
    def publication_date(self):
        """The day of first publication in the site's time zone: the one in the address."""
        return timezone.localdate(self.first_published_at or self.published_at or self.created)

    def get_day_archive_url(self):
        return day_address(self.publication_date)

    @property
    def is_public(self):
        now = timezone.now()
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at is not None
            and self.published_at <= now
            and (self.expires_at is None or self.expires_at > now)
        )

    # Set on an article shown to staff (the preview): its pictures come from the library's
    # staff-only addresses while they are not public.
    shows_private_pictures = False

    def _picture(self, kind):
        if not self.hero_id:
            return None
        return self.hero.picture(kind, private=self.shows_private_pictures)

    @cached_property
    def hero_picture(self):
        """The hero for the article page, or None (none, or not public yet)."""
        return self._picture("hero")

    @cached_property
    def teaser_picture(self):
        return self._picture("teaser")

    @cached_property
    def square_picture(self):
        """The small square thumbnail some listings show on narrow screens."""
        return self._picture("square")

    @cached_property
    def social_picture(self):
        """The 1.91:1 card for og:image and twitter:image."""
        return self._picture("social")

    @property
    def is_scheduled(self):
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at is not None
            and self.published_at > timezone.now()
        )

    @property
    def reading_time(self):
        """Minutes, at least one."""
        return max(1, math.ceil(self.word_count / conf.reading_words_per_minute()))

    @property
    def byline_authors(self):
        """Authors in byline order, from the prefetched bylines when there are any."""
        return [byline.author for byline in self.bylines.all()]

    @property
    def shows_update(self):
        return bool(self.updated_at and self.published_at and self.updated_at > self.published_at)


class Byline(models.Model):
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="bylines")
    author = models.ForeignKey("authors.Author", on_delete=models.PROTECT, related_name="bylines")
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("byline")
        verbose_name_plural = _("bylines")
        constraints = [
            models.UniqueConstraint(fields=["article", "author"], name="byline_unique_author"),
        ]

    def __str__(self):
        return f"{self.author} on {self.article}"


class Transition(models.Model):
    """One step of an article's editorial history."""

    article = models.ForeignKey(
        Article, verbose_name=_("article"), on_delete=models.CASCADE, related_name="transitions"
    )
    from_status = models.CharField(_("from"), max_length=20, choices=Article.Status.choices)
    to_status = models.CharField(_("to"), max_length=20, choices=Article.Status.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    note = models.TextField(_("note"), blank=True)
    at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("transition")
        verbose_name_plural = _("transitions")
        indexes = [models.Index(fields=["article", "-at"], name="transition_article_at_idx")]

    def __str__(self):
        return f"{self.article}: {self.from_status} -> {self.to_status}"


class Correction(models.Model):
    """A dated note readers see on the article: what was wrong, added or made clearer."""

    class Kind(models.TextChoices):
        CORRECTION = "correction", _("Correction")
        UPDATE = "update", _("Update")
        CLARIFICATION = "clarification", _("Clarification")

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="corrections")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.CORRECTION)
    text = models.TextField(
        _("text"),
        help_text=_('Plain text, as readers will see it: "An earlier version of this story '
                    'said… In fact…"'),
    )  # fmt: skip
    created_at = models.DateTimeField(_("date"), default=timezone.now, editable=False)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("correction or update note")
        verbose_name_plural = _("corrections and update notes")

    def __str__(self):
        return f"{self.get_kind_display()} to {self.article}"

    def save(self, *args, **kwargs):
        self.text = sanitize.strip_control_characters(self.text).strip()
        super().save(*args, **kwargs)


class ArticleReadCount(models.Model):
    """How many times a story was read in one hour: counted without cookies or personal data.

    Reads arrive as anonymous pings and wait in the shared cache; articles/popular.py folds
    them in here, one row per story and hour, which the "Most read" list sums.
    """

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="read_counts")
    hour = models.DateTimeField(_("hour"), help_text=_("The start of the hour counted."))
    count = models.PositiveIntegerField(_("reads"), default=0)

    class Meta:
        verbose_name = _("read count")
        verbose_name_plural = _("read counts")
        constraints = [
            models.UniqueConstraint(fields=["article", "hour"], name="read_count_article_hour")
        ]
        indexes = [models.Index(fields=["hour"], name="read_count_hour")]

    def __str__(self):
        return f"{self.count} reads of {self.article_id} at {self.hour:%Y-%m-%d %H:00}"


def prefetch_bylines():
    """Bylines with their authors, in byline order: one query for any number of articles."""
    return models.Prefetch("bylines", queryset=Byline.objects.select_related("author"))


_BLOCK_END = re.compile(r"</(p|h2|h3|h4|li|blockquote|figcaption)>|<br\s*/?>", re.IGNORECASE)
_TAG = re.compile(r"<[^>]+>")
_SPACES = re.compile(r"[ \t]+")


def plain_text(body_html):
    """The words of a sanitized body, for search and reading time."""
    text = html.unescape(_TAG.sub("", _BLOCK_END.sub("\n", body_html)))
    return _SPACES.sub(" ", sanitize.strip_control_characters(text)).strip()


def rank_vector():
    return SearchVector("headline", weight="A", config=SEARCH_CONFIG) + SearchVector(
        "standfirst", weight="B", config=SEARCH_CONFIG
    )


def search_vector():
    return rank_vector() + SearchVector("body_text", weight="C", config=SEARCH_CONFIG)


# What a revision keeps: the words and their setting, not the workflow's own bookkeeping
# (status and version move only through transitions, so restoring never touches them).
REVISED_FIELDS = (
    "headline", "slug", "standfirst", "body", "source", "section", "tags", "related_articles",
    "hero", "hero_alt", "hero_caption", "hero_credit", "is_featured", "published_at",
    "updated_at", "expires_at", "comments_enabled", "comments_close_at", "modified_by",
)  # fmt: skip
reversion.register(Article, fields=REVISED_FIELDS, follow=("bylines",))
reversion.register(Byline)


def all_sections(request=None):
    """Every section in order, as the navigation and the front page's rails show them.

    Kept in the cache until a section changes, so most pages do not ask the database.
    """
    return pagecache.remember(
        "sections",
        lambda: list(Section.objects.all()),
        request=request,
        depends=(pagecache.SECTIONS,),
    )


# Models kept in their own modules, registered with the app as part of articles.models.
from .autosave import Autosave  # noqa: E402
from .notices import PublicationNotice  # noqa: E402
from .redirects import (  # noqa: E402
    REDIRECT_PATH_LENGTH,
    Redirect,
    normalize_redirect_path,
    record_move,
)
from .wordpress import WordPressLink  # noqa: E402

__all__ = [
    "Article",
    "ArticleReadCount",
    "Autosave",
    "BodyImage",
    "Byline",
    "Correction",
    "PublicationNotice",
    "Redirect",
    "REDIRECT_PATH_LENGTH",
    "Section",
    "Tag",
    "Transition",
    "WordPressLink",
    "normalize_redirect_path",
    "record_move",
]

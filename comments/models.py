from django.conf import settings
from django.core.cache import cache
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Upper
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from newsroom import pagecache, sanitize

from .validators import validate_commenter_email


class CommentQuerySet(models.QuerySet):
    def approved(self):
        return self.filter(status=Comment.Status.APPROVED)

    def pending(self):
        return self.filter(status=Comment.Status.PENDING)

    def for_thread(self):
        """Only what a reader page shows: never the email address, IP or user agent."""
        return self.only(
            "pk",
            "article_id",
            "parent_id",
            "depth",
            "author_name",
            "author_url",
            "body",
            "body_html",
            "status",
            "created_at",
            "edited_at",
            "is_staff_reply",
        ).order_by("created_at", "pk")


class Comment(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        APPROVED = "approved", _("Approved")
        SPAM = "spam", _("Spam")
        REMOVED = "removed", _("Removed")
        # Waiting for its author to confirm their email address (when the site asks them to).
        UNCONFIRMED = "unconfirmed", _("Unconfirmed")
        # Taken back by its author through their private link.
        WITHDRAWN = "withdrawn", _("Withdrawn")

    class HeldReason(models.TextChoices):
        """Why the rules held a comment (or marked it spam), as the queue shows it."""

        FIRST_COMMENT = "first_comment", _("first-time commenter")
        LINKS = "links", _("links")
        HOLD_WORD = "hold_word", _("hold word")
        ALL_HELD = "all_held", _("all comments held")
        REPORTS = "reports", _("reports")
        CHECKER = "checker", _("spam checker")
        BLOCK_WORD = "block_word", _("block word")

    article = models.ForeignKey(
        "articles.Article",
        verbose_name=_("article"),
        on_delete=models.CASCADE,
        related_name="comments",
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("in reply to"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="replies",
    )
    depth = models.PositiveSmallIntegerField(_("depth"), default=1, editable=False)
    author_name = models.CharField(_("name"), max_length=100)
    # Internationalized addresses (Unicode local parts and domains) are valid, as typed.
    author_email = models.CharField(
        _("email"),
        max_length=254,
        validators=[validate_commenter_email],
        help_text=_("Never shown to readers."),
    )
    author_url = models.URLField(_("website"), max_length=200, blank=True)
    body = models.TextField(_("comment"), help_text=_("Plain text; links are made clickable."))
    # The text as readers see it, computed on save rather than on every page view.
    body_html = models.TextField(editable=False, blank=True)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=Status.choices,
        default=Status.PENDING,
        db_index=True,
    )
    created_at = models.DateTimeField(_("posted"), auto_now_add=True)
    edited_at = models.DateTimeField(_("last edited"), null=True, blank=True, editable=False)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(_("browser"), max_length=500, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="comments",
    )
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("moderated by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    moderated_at = models.DateTimeField(_("moderated"), null=True, blank=True, editable=False)
    notify_replies = models.BooleanField(_("notify of replies"), default=False)
    flag_count = models.PositiveIntegerField(_("reports"), default=0, editable=False)
    # Defaults in the database too: adding the columns to a large table rewrites nothing, and
    # rows written by other means (bulk loads, imports) are valid.
    held_reason = models.CharField(
        _("held because"),
        max_length=20,
        choices=HeldReason.choices,
        blank=True,
        editable=False,
        db_default="",
    )
    # What the reason refers to: the hold or block word found, the number of links.
    held_detail = models.CharField(
        _("held for"), max_length=100, blank=True, editable=False, db_default=""
    )
    is_staff_reply = models.BooleanField(
        _("staff reply"), default=False, help_text=_("Marked as the newsroom's reply.")
    )

    objects = CommentQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        permissions = [
            ("moderate_comment", _("Can moderate comments (approve, spam, remove, restore)")),
            ("manage_commenter_data", _("Can export and erase commenters' personal data")),
        ]
        indexes = [
            # The thread of an article: its approved comments in order, in one index scan.
            models.Index(fields=["article", "status", "created_at"], name="comment_thread_idx"),
            # The moderation queue and "has this commenter been approved before?".
            models.Index(fields=["status", "-created_at"], name="comment_queue_idx"),
            models.Index(fields=["author_email", "status"], name="comment_known_idx"),
            # The moderators' search for a commenter by email address, in any case (the
            # search by the start of a name has its own index on PostgreSQL: migration 0008).
            models.Index(Upper("author_email"), name="comment_email_upper_idx"),
            # The moderators' list of all comments, oldest first, and its "posted" filter.
            models.Index(fields=["created_at"], name="comment_created_idx"),
            # The moderators' "is staff reply" filter: staff replies are few among millions,
            # so every other index would be read to its end to find a page of them.
            models.Index(
                fields=["created_at"],
                condition=models.Q(is_staff_reply=True),
                name="comment_staff_reply_idx",
            ),
            # What the hourly retention purge looks for stays small however many comments
            # there are: rows still holding an IP address or browser, and rejected rows.
            models.Index(
                fields=["created_at"],
                condition=models.Q(ip_address__isnull=False) | ~models.Q(user_agent=""),
                name="comment_has_ip_idx",
            ),
            models.Index(
                fields=["moderated_at", "created_at"],
                condition=models.Q(status__in=["spam", "removed", "withdrawn"]),
                name="comment_rejected_idx",
            ),
        ]

    def __str__(self):
        return f"{self.author_name} on {self.article_id}: {self.excerpt}"

    def save(self, *args, **kwargs):
        self.body_html = str(sanitize.render_comment_text(self.body))
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "body" in update_fields:
            kwargs["update_fields"] = {*update_fields, "body_html"}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        """The comment in its thread, on the page of the thread where readers find it."""
        page = self.thread_page()
        query = f"?cpage={page}" if page > 1 else ""
        return f"{self.article.get_absolute_url()}{query}#comment-{self.pk}"

    def thread_page(self, discussion=None) -> int:
        """Which page of its article's thread shows this comment: the one definition.

        Top-level entries are the approved comments whose parent is not approved (replies
        to a removed comment stay readable at the top level), ordered by time and id as the
        discussion settings say; a reply is on its root's page. A comment not yet approved
        is placed as it will be once approved. comments.thread pages the same way.
        """
        root = self
        while root.parent_id:
            parent = (
                Comment.objects.filter(pk=root.parent_id)
                .only("pk", "parent_id", "status", "created_at")
                .first()
            )
            if parent is None or parent.status != self.Status.APPROVED:
                break
            root = parent
        discussion = discussion or DiscussionSettings.load()
        top = Comment.objects.filter(
            article_id=self.article_id, status=self.Status.APPROVED
        ).filter(models.Q(parent__isnull=True) | ~models.Q(parent__status=self.Status.APPROVED))
        earlier = models.Q(created_at__lt=root.created_at) | models.Q(
            created_at=root.created_at, pk__lt=root.pk
        )
        if discussion.order == DiscussionSettings.Order.NEWEST:
            before = top.exclude(earlier).exclude(pk=root.pk).count()
        else:
            before = top.filter(earlier).count()
        return before // discussion.per_page + 1

    @property
    def rendered_body(self):
        """Safe HTML of the text; rows written without save() are rendered on the fly."""
        if self.body_html:
            # Stored by save() from the sanitizer's own output.
            return sanitize.sanitized(self.body_html)
        return sanitize.render_comment_text(self.body)

    @property
    def excerpt(self):
        text = " ".join(self.body.split())
        return text if len(text) <= 80 else text[:79] + "…"

    @property
    def why_held(self) -> str:
        """The reason the rules gave when they held this comment, in the moderators' words."""
        Reason = self.HeldReason
        if self.held_reason == Reason.LINKS:
            count = int(self.held_detail or 0)
            return ngettext("%(count)d link", "%(count)d links", count) % {"count": count}
        if self.held_reason in (Reason.HOLD_WORD, Reason.BLOCK_WORD):
            return _("%(reason)s “%(word)s”") % {
                "reason": self.get_held_reason_display(),
                "word": self.held_detail,
            }
        if self.held_reason == Reason.REPORTS:
            count = self.flag_count
            return ngettext("%(count)d report", "%(count)d reports", count) % {"count": count}
        return self.get_held_reason_display() if self.held_reason else ""

    @property
    def is_public(self):
        return self.status == self.Status.APPROVED


class ModerationEvent(models.Model):
    """One step in a comment's moderation history: who or what changed it, when, and why."""

    class Action(models.TextChoices):
        APPROVED = "approved", _("Approved")
        SPAM = "spam", _("Marked as spam")
        REMOVED = "removed", _("Removed")
        RESTORED = "restored", _("Returned to the queue")
        CONFIRMED = "confirmed", _("Email address confirmed")
        EDITED = "edited", _("Text changed by its author")
        WITHDRAWN = "withdrawn", _("Withdrawn by its author")
        ERASED = "erased", _("Personal data erased")

    class Via(models.TextChoices):
        ADMIN = "admin", _("the admin")
        EMAIL_LINK = "email", _("a link in a moderator's email")
        COMMENTER = "commenter", _("the commenter's private link")
        COMMAND = "command", _("a management command")
        SYSTEM = "system", _("the moderation rules")

    # The short list a moderator picks from when a comment is not published; the commenter
    # reads the chosen one when outcome emails are on.
    class Reason(models.TextChoices):
        OFF_TOPIC = "off_topic", _("It is not about the article or the discussion.")
        ABUSIVE = "abusive", _("It attacks or insults people.")
        PRIVACY = "privacy", _("It gives out other people's personal details.")
        LEGAL = "legal", _("It could break the law (for example defamation).")
        ADVERTISING = "advertising", _("It advertises or promotes something.")
        DUPLICATE = "duplicate", _("It repeats a comment already posted.")

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    reason = models.CharField(_("reason"), max_length=20, choices=Reason.choices, blank=True)
    via = models.CharField(_("through"), max_length=20, choices=Via.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("moderation step")
        verbose_name_plural = _("moderation history")

    def __str__(self):
        return f"{self.get_action_display()} ({self.comment_id}) at {self.at:%Y-%m-%d %H:%M}"


class SpentLink(models.Model):
    """A one-time link that has been used. Its unique nonce makes a second use fail on
    every app server at once; rows older than the longest link's life are purged."""

    nonce = models.CharField(max_length=64, unique=True)
    purpose = models.CharField(max_length=20)
    used_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("used link")
        verbose_name_plural = _("used links")

    def __str__(self):
        return f"{self.purpose} link used at {self.used_at:%Y-%m-%d %H:%M}"


class ModeratorDigest(models.Model):
    """A digest sent to the moderators: the next one lists what arrived after it."""

    sent_at = models.DateTimeField(default=timezone.now, db_index=True)
    comment_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-sent_at"]
        get_latest_by = "sent_at"
        verbose_name = _("moderator digest")
        verbose_name_plural = _("moderator digests")

    def __str__(self):
        return f"Digest of {self.comment_count} comments at {self.sent_at:%Y-%m-%d %H:%M}"


class CommentEdit(models.Model):
    """The text a comment had before a moderator (or, with no editor, its author) changed it."""

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="edits")
    previous_body = models.TextField(_("previous text"))
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    edited_at = models.DateTimeField(_("edited"), auto_now_add=True)

    class Meta:
        ordering = ["-edited_at", "-pk"]
        verbose_name = _("comment edit")
        verbose_name_plural = _("comment edits")

    def __str__(self):
        return f"Edit of comment {self.comment_id} at {self.edited_at:%Y-%m-%d %H:%M}"


class DiscussionSettings(models.Model):
    """One row: how the site's discussions are moderated and shown."""

    class Order(models.TextChoices):
        OLDEST = "oldest", _("Oldest first")
        NEWEST = "newest", _("Newest first")

    CACHE_KEY = "comments:discussion-settings:v1"
    CACHE_SECONDS = 3600

    hold_every_comment = models.BooleanField(
        _("hold every comment for moderation"),
        default=False,
        help_text=_("Every new comment waits in the queue, whoever wrote it."),
    )
    auto_approve_known = models.BooleanField(
        _("approve commenters approved before"),
        default=True,
        help_text=_("Same name and email as an earlier approved comment: published at once."),
    )
    max_links = models.PositiveSmallIntegerField(
        _("links before holding"),
        default=2,
        help_text=_("A comment with this many links or more waits for moderation."),
    )
    moderation_keywords = models.TextField(
        _("moderation keywords"),
        blank=True,
        help_text=_("One word or phrase per line. A match holds the comment for moderation."),
    )
    blocklist = models.TextField(
        _("blocklist"),
        blank=True,
        help_text=_(
            "One word, phrase, email or IP address per line. A match in the text, name, "
            "email, website or IP marks the comment as spam."
        ),
    )
    close_after_days = models.PositiveIntegerField(
        _("close comments after (days)"),
        null=True,
        blank=True,
        help_text=_("Days after publication. Leave empty to keep discussions open."),
    )
    max_depth = models.PositiveSmallIntegerField(
        _("thread depth"),
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(10)],
        help_text=_("Replies nested deeper attach at the last level."),
    )
    per_page = models.PositiveSmallIntegerField(
        _("top-level comments per page"),
        default=50,
        validators=[MinValueValidator(1), MaxValueValidator(500)],
    )
    order = models.CharField(_("order"), max_length=10, choices=Order.choices, default=Order.OLDEST)
    flags_before_remoderation = models.PositiveSmallIntegerField(
        _("reports before review"),
        default=3,
        validators=[MinValueValidator(1)],
        help_text=_("A published comment reported this many times goes back to the queue."),
    )
    notify_moderators = models.BooleanField(_("email moderators of new comments"), default=True)
    moderator_digest = models.BooleanField(
        _("a digest instead of one email per comment"),
        default=False,
        help_text=_(
            "Moderators get one email listing the comments that arrived since the last one, "
            "sent when `manage.py comments_digest` runs (for example every hour), instead of "
            "one email for each comment held."
        ),
    )
    privacy_notice = models.TextField(
        _("privacy page"),
        blank=True,
        help_text=_(
            "The page linked from the comment form: what is stored about commenters and for "
            "how long. Plain text; a blank line starts a paragraph and addresses become links. "
            "Leave empty for the standard text, which follows the retention settings."
        ),
    )
    min_seconds = models.PositiveSmallIntegerField(
        _("minimum seconds to write"),
        default=3,
        help_text=_("Comments sent faster than this after the page loaded are refused."),
    )
    rate_limit_seconds = models.PositiveSmallIntegerField(
        _("seconds between comments"),
        default=15,
        help_text=_("From the same IP address or email address."),
    )
    hourly_cap = models.PositiveSmallIntegerField(
        _("comments per hour"),
        default=30,
        help_text=_("From the same IP address or email address."),
    )

    class Meta:
        verbose_name = _("discussion settings")
        verbose_name_plural = _("discussion settings")

    def __str__(self):
        return str(_("Discussion settings"))

    def save(self, *args, **kwargs):
        self.pk = 1
        super().save(*args, **kwargs)
        cache.delete(self.CACHE_KEY)

    @classmethod
    def load(cls, request=None):
        """The settings, from the cache on most requests (one query otherwise).

        With the reader's request, they are kept in the process as well, until their own
        version moves (saving them moves it and the site's: comments.signals), and read
        with the versions the page reads anyway rather than in a round trip of their own.
        """
        if request is not None:
            return pagecache.remember(
                "discussion-settings",
                cls.load,
                request=request,
                depends=(pagecache.DISCUSSION,),
            )
        current = cache.get(cls.CACHE_KEY)
        if current is None:
            current = cls.objects.filter(pk=1).first() or cls(pk=1)
            cache.set(cls.CACHE_KEY, current, cls.CACHE_SECONDS)
        return current

    @staticmethod
    def lines(text):
        return [line.strip().lower() for line in text.splitlines() if line.strip()]

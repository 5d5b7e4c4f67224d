import json

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ActionForm
from django.core.exceptions import PermissionDenied
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.text import Truncator
from django.utils.timesince import timesince
from django.utils.translation import gettext_lazy as _

from articles.admin import add_article_list_column
from articles.dashboard import add_dashboard_panels
from articles.models import LISTING_DEFERRED
from articles.paginator import EstimatedCountPaginator

from . import moderation, privacy, services
from .conf import conf
from .models import Comment, CommentEdit, DiscussionSettings, ModerationEvent
from .templatetags.comments_admin import moderation_panels


def count_per_article(comments):
    """A subquery counting `comments` (filtered on an OuterRef to the article) for each row.

    Subqueries rather than a join and GROUP BY, so only the listed rows are counted.
    """
    return Coalesce(
        Subquery(comments.order_by().values("article").annotate(n=Count("pk")).values("n")), 0
    )


# The article list's comments column --------------------------------------------------------


def _with_comment_counts(articles):
    comments = Comment.objects.filter(article=OuterRef("pk"))
    return articles.annotate(
        approved_comments=count_per_article(comments.approved()),
        pending_comments=count_per_article(comments.pending()),
    )


@admin.display(description=_("comments"))
def comment_counts(article):
    approved = getattr(article, "approved_comments", None)
    if approved is None:
        return "—"
    pending = article.pending_comments
    if pending:
        url = reverse("admin:comments_comment_changelist")
        return format_html(
            '{} <a class="pending-comments" href="{}?article__id__exact={}&amp;status=pending">'
            "({} waiting)</a>",
            approved,
            url,
            article.pk,
            pending,
        )
    return approved


add_article_list_column(comment_counts, annotate=_with_comment_counts)
add_dashboard_panels(moderation_panels)


class StatusFilter(admin.SimpleListFilter):
    """The queue first: without a choice, the changelist shows what waits for moderation."""

    title = _("status")
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [*Comment.Status.choices, ("all", _("All"))]

    def choices(self, changelist):
        value = self.value() or Comment.Status.PENDING
        for lookup, title in self.lookup_choices:
            yield {
                "selected": value == lookup,
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }

    def queryset(self, request, queryset):
        value = self.value() or Comment.Status.PENDING
        if value == "all":
            return queryset
        return queryset.filter(status=value)


class HistoryInline(admin.TabularInline):
    """A comment's read-only record, shown to whoever may see the comment."""

    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("comments.view_comment")


class CommentEditInline(HistoryInline):
    model = CommentEdit
    fields = ("edited_at", "edited_by", "previous_body")
    readonly_fields = fields
    verbose_name_plural = _("Earlier versions of the text (no editor: the commenter)")


class ModerationEventInline(HistoryInline):
    model = ModerationEvent
    fields = ("at", "action", "reason", "via", "by")
    readonly_fields = fields
    verbose_name_plural = _("Moderation history")


class ReasonActionForm(ActionForm):
    """The admin's action bar, with the reason kept when a comment is not published."""

    reason = forms.ChoiceField(
        label=_("Reason (spam, remove):"),
        required=False,
        choices=[("", _("none given")), *ModerationEvent.Reason.choices],
    )


class StaffReplyForm(forms.Form):
    body = forms.CharField(label=_("Your reply"), widget=forms.Textarea(attrs={"rows": 6}))


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = (
        "excerpt_column",
        "commenter_column",
        "article_column",
        "article_pending",
        "why_held_column",
        "links_column",
        "flag_count",
        "age_column",
        "status",
    )
    list_display_links = ("excerpt_column",)
    list_filter = (StatusFilter, "is_staff_reply", "created_at")
    # A commenter is looked for by the start of their name or their whole email address, in
    # any case, each through its own index: a search through ten million comments' text
    # would read every one of them (see get_search_results).
    search_fields = ("^author_name", "=author_email")
    search_help_text = _("The start of a commenter's name, or their whole email address.")
    list_select_related = ("article",)
    list_per_page = 50
    # Ten million comments are not counted row by row: the list says how many it estimates,
    # and no "N total" link or facet counts the whole table (see articles.paginator).
    paginator = EstimatedCountPaginator
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER
    # The queue is worked from the oldest comment: it has waited longest.
    ordering = ("created_at", "pk")
    # No date hierarchy: its links list the years of every comment, a pass over all of them;
    # the "posted" filter narrows by date through the index on created_at instead.
    actions = ("approve", "mark_as_spam", "remove", "restore", "export_data", "erase_data")
    action_form = ReasonActionForm
    readonly_fields = (
        "article",
        "parent",
        "status",
        "author_email",
        "ip_address",
        "user_agent",
        "user",
        "created_at",
        "edited_at",
        "moderated_by",
        "moderated_at",
        "flag_count",
        "is_staff_reply",
        "why_held_column",
    )
    fieldsets = (
        (None, {"fields": ("article", "parent", "status", "author_name", "author_url", "body")}),
        (
            _("Commenter"),
            {"fields": ("author_email", "ip_address", "user_agent", "user", "notify_replies")},
        ),
        (
            _("History"),
            {
                "classes": ("collapse",),
                "fields": (
                    "created_at",
                    "edited_at",
                    "moderated_by",
                    "moderated_at",
                    "why_held_column",
                    "flag_count",
                    "is_staff_reply",
                ),
            },
        ),
    )
    inlines = (ModerationEventInline, CommentEditInline)

    def get_queryset(self, request):
        pending = Comment.objects.pending().filter(article=OuterRef("article"))
        return (
            super()
            .get_queryset(request)
            .select_related("article")
            # What the list shows of an article is its headline and address.
            .defer(*(f"article__{name}" for name in LISTING_DEFERRED))
            .annotate(pending_on_article=count_per_article(pending))
        )

    def has_module_permission(self, request):
        return request.user.has_perm("comments.view_comment")

    def has_add_permission(self, request):
        # Comments come from readers, or from staff replying to one.
        return False

    def has_delete_permission(self, request, obj=None):
        # Moderation changes a comment's status; only superusers may erase one.
        return request.user.is_superuser

    def get_search_results(self, request, queryset, search_term):
        # The whole search is one name or one address: "Ada Lovelace" is a name's start,
        # not two words each looked for on their own.
        term = " ".join(search_term.split())
        if not term:
            return queryset, False
        if "@" in term:
            return queryset.filter(author_email__iexact=term), False
        return queryset.filter(author_name__istartswith=term), False

    def changelist_view(self, request, extra_context=None):
        pending = Comment.objects.pending().count()
        extra_context = {
            **(extra_context or {}),
            "title": _("Comments: %(count)s awaiting moderation") % {"count": pending},
        }
        return super().changelist_view(request, extra_context=extra_context)

    @admin.display(description=_("comment"))
    def excerpt_column(self, obj):
        return obj.excerpt

    @admin.display(description=_("commenter"), ordering="author_name")
    def commenter_column(self, obj):
        return format_html(
            "<strong>{}</strong><br>{}<br><small>{}</small>",
            obj.author_name,
            obj.author_email,
            obj.ip_address or "",
        )

    @admin.display(description=_("article"), ordering="article__headline")
    def article_column(self, obj):
        return format_html(
            '<a href="{}?article__id__exact={}&amp;status=all">{}</a>',
            reverse("admin:comments_comment_changelist"),
            obj.article_id,
            Truncator(obj.article.headline).chars(48),
        )

    @admin.display(description=_("waiting on article"), ordering="pending_on_article")
    def article_pending(self, obj):
        return obj.pending_on_article

    @admin.display(description=_("held because"), ordering="held_reason")
    def why_held_column(self, obj):
        return obj.why_held or "—"

    @admin.display(description=_("links"))
    def links_column(self, obj):
        return moderation.count_links(obj.body)

    @admin.display(description=_("age"), ordering="created_at")
    def age_column(self, obj):
        return format_html(
            '<time datetime="{}" title="{}">{}</time>',
            obj.created_at.isoformat(),
            timezone.localtime(obj.created_at).strftime("%Y-%m-%d %H:%M"),
            timesince(obj.created_at),
        )

    def _moderate(self, request, queryset, service, verb, **extra):
        for comment in queryset:
            service(comment=comment, by=request.user, **extra)
        self.message_user(
            request, _("%(count)d comments %(verb)s.") % {"count": len(queryset), "verb": verb}
        )

    def _reason(self, request):
        reason = request.POST.get("reason", "")
        return reason if reason in ModerationEvent.Reason.values else ""

    @admin.action(description=_("Approve selected comments"), permissions=["moderate"])
    def approve(self, request, queryset):
        self._moderate(request, queryset, services.approve_comment, _("approved"))

    @admin.action(description=_("Mark selected comments as spam"), permissions=["moderate"])
    def mark_as_spam(self, request, queryset):
        self._moderate(
            request, queryset, services.mark_spam, _("marked as spam"), reason=self._reason(request)
        )

    @admin.action(description=_("Remove selected comments"), permissions=["moderate"])
    def remove(self, request, queryset):
        self._moderate(
            request, queryset, services.remove_comment, _("removed"), reason=self._reason(request)
        )

    @admin.action(description=_("Restore selected comments to the queue"), permissions=["moderate"])
    def restore(self, request, queryset):
        self._moderate(request, queryset, services.restore_comment, _("restored to the queue"))

    def has_moderate_permission(self, request):
        return request.user.has_perm("comments.moderate_comment")

    def has_commenter_data_permission(self, request):
        return request.user.has_perm("comments.manage_commenter_data")

    def _addresses(self, request, queryset):
        """The commenters behind the selected comments (erased ones have no address left)."""
        addresses = sorted(
            {email.lower() for email in queryset.values_list("author_email", flat=True) if email}
        )
        if not addresses:
            self.message_user(
                request, _("The selected comments hold no email address."), messages.WARNING
            )
        return addresses

    @admin.action(
        description=_("Export the commenters' data (JSON)"), permissions=["commenter_data"]
    )
    def export_data(self, request, queryset):
        """Everything stored about the people who wrote the selected comments, as one file."""
        addresses = self._addresses(request, queryset)
        if not addresses:
            return None
        data = {"commenters": [privacy.export(email) for email in addresses]}
        response = HttpResponse(
            json.dumps(data, cls=DjangoJSONEncoder, indent=2),
            content_type="application/json; charset=utf-8",
        )
        stamp = timezone.now().strftime("%Y%m%d-%H%M")
        response["Content-Disposition"] = f'attachment; filename="commenters-{stamp}.json"'
        response["Cache-Control"] = "private, no-store"
        return response

    @admin.action(
        description=_("Erase the commenters' personal data"), permissions=["commenter_data"]
    )
    def erase_data(self, request, queryset):
        """After a confirmation page: erase everyone who wrote the selected comments."""
        addresses = self._addresses(request, queryset)
        if not addresses:
            return None
        if request.POST.get("confirm") == "yes":
            count = sum(
                privacy.erase(email, by=request.user, via=ModerationEvent.Via.ADMIN)
                for email in addresses
            )
            self.message_user(
                request,
                _("Erased the personal data of %(people)d commenter(s) from %(count)d comments.")
                % {"people": len(addresses), "count": count},
            )
            return None
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Erase commenters' personal data"),
            "addresses": addresses,
            "comment_count": sum(
                Comment.objects.filter(author_email__iexact=email).count() for email in addresses
            ),
            "selected": queryset.values_list("pk", flat=True),
            "erase_text": conf.ERASE_TEXT,
        }
        return render(request, "admin/comments/comment/erase_confirmation.html", context)

    def save_model(self, request, obj, form, change):
        if change and "body" in form.changed_data:
            new_body = obj.body
            obj.body = form.initial["body"]
            services.edit_comment_text(comment=obj, body=new_body, by=request.user)
        super().save_model(request, obj, form, change)

    def get_urls(self):
        return [
            path(
                "<int:comment_id>/reply/",
                self.admin_site.admin_view(self.reply_view),
                name="comments_comment_reply",
            ),
            *super().get_urls(),
        ]

    def reply_view(self, request, comment_id):
        if not self.has_moderate_permission(request):
            raise PermissionDenied
        comment = get_object_or_404(Comment.objects.select_related("article"), pk=comment_id)
        form = StaffReplyForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            services.reply_as_staff(
                comment=comment, body=form.cleaned_data["body"], by=request.user
            )
            messages.success(request, _("Comment approved and your reply published."))
            return redirect("admin:comments_comment_changelist")
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Approve and reply"),
            "comment": comment,
            "form": form,
        }
        return render(request, "admin/comments/comment/reply.html", context)

    @admin.display(description="")
    def reply_link(self, obj):
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:comments_comment_reply", args=[obj.pk]),
            _("Reply"),
        )

    def get_list_display(self, request):
        columns = super().get_list_display(request)
        if self.has_moderate_permission(request):
            columns = (*columns, "reply_link")
        return columns


@admin.register(DiscussionSettings)
class DiscussionSettingsAdmin(admin.ModelAdmin):
    fieldsets = (
        (
            _("Moderation"),
            {
                "fields": (
                    "hold_every_comment",
                    "auto_approve_known",
                    "max_links",
                    "moderation_keywords",
                    "blocklist",
                    "flags_before_remoderation",
                    "notify_moderators",
                    "moderator_digest",
                )
            },
        ),
        (_("Threads"), {"fields": ("close_after_days", "max_depth", "per_page", "order")}),
        (
            _("Flood protection"),
            {"fields": ("min_seconds", "rate_limit_seconds", "hourly_cap")},
        ),
        (_("Privacy"), {"fields": ("privacy_notice",)}),
    )

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        # One row: the list is the form.
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        DiscussionSettings.objects.get_or_create(pk=1)
        return redirect("admin:comments_discussionsettings_change", 1)

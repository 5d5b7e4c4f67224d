from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.text import Truncator
from django.utils.timesince import timesince
from django.utils.translation import gettext_lazy as _

from . import moderation, services
from .models import Comment, CommentEdit, DiscussionSettings


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


class CommentEditInline(admin.TabularInline):
    model = CommentEdit
    extra = 0
    fields = ("edited_at", "edited_by", "previous_body")
    readonly_fields = fields
    can_delete = False
    verbose_name_plural = _("Earlier versions of the text")

    def has_add_permission(self, request, obj=None):
        return False


class StaffReplyForm(forms.Form):
    body = forms.CharField(label=_("Your reply"), widget=forms.Textarea(attrs={"rows": 6}))


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = (
        "excerpt_column",
        "commenter_column",
        "article_column",
        "article_pending",
        "links_column",
        "flag_count",
        "age_column",
        "status",
    )
    list_display_links = ("excerpt_column",)
    list_filter = (StatusFilter, "is_staff_reply", "created_at")
    search_fields = ("author_name", "author_email", "body", "ip_address", "article__headline")
    list_select_related = ("article",)
    list_per_page = 50
    date_hierarchy = "created_at"
    actions = ("approve", "mark_as_spam", "remove", "restore")
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
                    "flag_count",
                    "is_staff_reply",
                ),
            },
        ),
    )
    inlines = (CommentEditInline,)

    def get_queryset(self, request):
        pending = (
            Comment.objects.filter(article=OuterRef("article"), status=Comment.Status.PENDING)
            .order_by()
            .values("article")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return (
            super()
            .get_queryset(request)
            .select_related("article")
            .annotate(pending_on_article=Coalesce(Subquery(pending), 0))
        )

    def has_module_permission(self, request):
        return request.user.has_perm("comments.view_comment")

    def has_add_permission(self, request):
        # Comments come from readers, or from staff replying to one.
        return False

    def has_delete_permission(self, request, obj=None):
        # Moderation changes a comment's status; only superusers may erase one.
        return request.user.is_superuser

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

    def _moderate(self, request, queryset, service, verb):
        for comment in queryset:
            service(comment=comment, by=request.user)
        self.message_user(
            request, _("%(count)d comments %(verb)s.") % {"count": len(queryset), "verb": verb}
        )

    @admin.action(description=_("Approve selected comments"), permissions=["moderate"])
    def approve(self, request, queryset):
        self._moderate(request, queryset, services.approve_comment, _("approved"))

    @admin.action(description=_("Mark selected comments as spam"), permissions=["moderate"])
    def mark_as_spam(self, request, queryset):
        self._moderate(request, queryset, services.mark_spam, _("marked as spam"))

    @admin.action(description=_("Remove selected comments"), permissions=["moderate"])
    def remove(self, request, queryset):
        self._moderate(request, queryset, services.remove_comment, _("removed"))

    @admin.action(description=_("Restore selected comments to the queue"), permissions=["moderate"])
    def restore(self, request, queryset):
        self._moderate(request, queryset, services.restore_comment, _("restored to the queue"))

    def has_moderate_permission(self, request):
        return request.user.has_perm("comments.moderate_comment")

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
                )
            },
        ),
        (_("Threads"), {"fields": ("close_after_days", "max_depth", "per_page", "order")}),
        (
            _("Flood protection"),
            {"fields": ("min_seconds", "rate_limit_seconds", "hourly_cap")},
        ),
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

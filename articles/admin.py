from collections.abc import Callable
from dataclasses import dataclass

import reversion
from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django_prose_editor.widgets import AdminProseEditorWidget
from reversion.models import Version

from authors.models import Author

from . import preview, revisions, services, workflow
from .models import Article, Byline, Correction, Redirect, Section, Tag, Transition
from .paginator import EstimatedCountPaginator


@admin.register(Section)
class SectionAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "position")
    list_editable = ("position",)
    prepopulated_fields = {"slug": ("name",)}
    search_fields = ("name",)


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}
    search_fields = ("name",)


class BylineInline(admin.TabularInline):
    model = Byline
    extra = 1
    autocomplete_fields = ("author",)
    ordering = ("position",)


class CorrectionInline(admin.StackedInline):
    model = Correction
    extra = 0
    fields = ("kind", "text", "created_at")
    readonly_fields = ("created_at",)


# What the body editor offers: exactly what newsroom.sanitize's article policy keeps, so
# nothing an editor makes disappears on save.
BODY_EDITOR = {
    "extensions": {
        "Bold": True,
        "Italic": True,
        "Heading": {"levels": [2, 3]},
        "BulletList": True,
        "OrderedList": True,
        "ListItem": True,
        "Blockquote": True,
        "NodeClass": {
            "cssClasses": {
                "blockquote": [
                    {"className": "pull-quote", "title": "Pull quote"},
                    {"className": "social-post", "title": "Embedded post"},
                ]
            }
        },
        "Link": {"enableTarget": False, "protocols": ["http", "https", "mailto"]},
        # Images from the media library (/media/...), with an optional caption.
        "Figure": True,
        "Image": True,
        "Caption": True,
        "HorizontalRule": True,
        "HardBreak": True,
        "History": True,
    }
}


class ArticleAdminForm(forms.ModelForm):
    """The change form, with the version it was opened at, to refuse overwriting a newer save."""

    base_version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)
    substantive_update = forms.BooleanField(
        label=_("This is a substantive update"),
        required=False,
        help_text=_('Readers see "Updated" with the time of this save. Leave it unticked for '
                    "typo fixes and small edits."),
    )  # fmt: skip

    class Meta:
        model = Article
        # The admin replaces this with the fields of its fieldsets.
        fields = ("headline", "slug", "standfirst", "body")
        widgets = {"body": AdminProseEditorWidget(config=BODY_EDITOR, preset="configurable")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["base_version"].initial = self.instance.version
            self.fields["base_version"].required = True

    def clean(self):
        cleaned = super().clean()
        base = cleaned.get("base_version")
        if self.instance.pk and base is not None:
            # The lock is held until the admin's transaction ends, after the save, so a
            # second save that arrives meanwhile waits and then sees the new version.
            stored = (
                Article.objects.select_for_update()
                .values_list("version", flat=True)
                .get(pk=self.instance.pk)
            )
            self.stored_version = stored
            if stored != base:
                url = reverse("admin:articles_article_change", args=[self.instance.pk])
                raise ValidationError(
                    format_html(
                        "Someone else saved this article while you were editing it, so your "
                        "changes were not saved. They are still in the form below. "
                        '<a href="{}" target="_blank" rel="noopener">Open the newer version '
                        "in a new tab</a>, bring your changes over there, and save again.",
                        url,
                    ),
                    code="stale",
                )
        return cleaned

    def save(self, commit=True):
        if self.cleaned_data.get("substantive_update"):
            self.instance.updated_at = timezone.now()
        return super().save(commit=commit)


class TransitionForm(forms.Form):
    note = forms.CharField(required=False, max_length=2000)
    publish_at = forms.DateTimeField(required=False)


class AuthorFilter(admin.SimpleListFilter):
    title = _("author")
    parameter_name = "author"

    def lookups(self, request, model_admin):
        return list(Author.objects.values_list("pk", "name"))

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(bylines__author_id=self.value())
        return queryset


class ScheduleFilter(admin.SimpleListFilter):
    title = _("on the site")
    parameter_name = "timing"

    def lookups(self, request, model_admin):
        return (
            ("scheduled", _("Scheduled")),
            ("live", _("Live now")),
            ("expired", _("Expired")),
        )

    def queryset(self, request, queryset):
        now = timezone.now()
        published = queryset.filter(status=Article.Status.PUBLISHED)
        if self.value() == "scheduled":
            return published.filter(published_at__gt=now)
        if self.value() == "live":
            return queryset.public(at=now)
        if self.value() == "expired":
            return published.filter(expires_at__lte=now)
        return queryset


class MineFilter(admin.SimpleListFilter):
    title = _("writer")
    parameter_name = "mine"

    def lookups(self, request, model_admin):
        return (("1", _("Me")),)

    def queryset(self, request, queryset):
        if self.value() == "1":
            return queryset.filter(created_by=request.user)
        return queryset


@dataclass(frozen=True)
class ArticleListColumn:
    """A column another app adds to the article list, before the link to the site.

    `column` is an @admin.display function of one article; `annotate`, when given, adds
    what it reads to the list's queryset (one subquery rather than a query per row).
    """

    column: Callable
    annotate: Callable | None = None


# Filled by the apps that build on articles (comments adds its counts) from their admin.py.
article_list_columns: list[ArticleListColumn] = []


def add_article_list_column(column, *, annotate=None):
    if all(extra.column is not column for extra in article_list_columns):
        article_list_columns.append(ArticleListColumn(column, annotate))


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    form = ArticleAdminForm
    change_form_template = "admin/articles/article/change_form.html"
    list_display = (
        "headline",
        "status_badge",
        "section",
        "byline_names",
        "publication_time",
        "modified_by",
        "view_link",
    )
    list_filter = ("status", ScheduleFilter, "section", AuthorFilter, MineFilter)
    list_select_related = ("section", "modified_by")
    search_fields = ("headline", "standfirst")
    date_hierarchy = "published_at"
    prepopulated_fields = {"slug": ("headline",)}
    autocomplete_fields = ("tags", "related_articles")
    inlines = (BylineInline, CorrectionInline)
    actions = ("submit_selected", "publish_selected", "unpublish_selected")
    # Counting 100,000 rows on every page costs more than the list itself.
    show_full_result_count = False
    # Facet counts would count the whole table once per filter choice.
    show_facets = admin.ShowFacets.NEVER
    paginator = EstimatedCountPaginator
    fieldsets = (
        (None, {"fields": ("headline", "slug", "section", "standfirst", "body", "source")}),
        (
            _("Hero image"),
            {"fields": ("hero_image", "hero_alt", "hero_caption", "hero_credit")},
        ),
        (
            _("Publishing"),
            {
                "fields": (
                    "status",
                    "published_at",
                    "expires_at",
                    "substantive_update",
                    "updated_at",
                    "is_featured",
                )
            },
        ),
        (_("Topics"), {"fields": ("tags", "related_articles")}),
        (
            _("Advanced"),
            {"classes": ("collapse",), "fields": ("comments_enabled", "comments_close_at")},
        ),
        (None, {"classes": ("hidden",), "fields": ("base_version",)}),
    )

    class Media:
        css = {"all": ("css/admin.css",)}
        js = ("js/admin-workflow.js",)

    def get_queryset(self, request):
        queryset = super().get_queryset(request).prefetch_related("bylines__author")
        for extra in article_list_columns:
            if extra.annotate is not None:
                queryset = extra.annotate(queryset)
        return queryset

    def get_list_display(self, request):
        *columns, site_link = super().get_list_display(request)
        return (*columns, *(extra.column for extra in article_list_columns), site_link)

    def get_readonly_fields(self, request, obj=None):
        fields = ["status"]
        if not workflow.can_schedule(request.user):
            # Timing is part of publishing: writers leave it to the editors.
            fields += ["published_at", "expires_at", "updated_at", "is_featured"]
        return fields

    def has_change_permission(self, request, obj=None):
        if not super().has_change_permission(request, obj):
            return False
        return obj is None or workflow.can_edit(request.user, obj)

    def has_publish_permission(self, request):
        return request.user.has_perm(workflow.PUBLISH)

    def has_change_own_permission(self, request):
        return request.user.has_perm(workflow.CHANGE)

    # Columns

    @admin.display(description=_("status"), ordering="status")
    def status_badge(self, obj):
        key, label = obj.status, obj.get_status_display()
        if obj.is_scheduled:
            key, label = "scheduled", _("Scheduled")
        elif obj.status == Article.Status.PUBLISHED and not obj.is_public:
            key, label = "expired", _("Expired")
        return format_html('<span class="status-badge status-{}">{}</span>', key, label)

    @admin.display(description=_("bylines"))
    def byline_names(self, obj):
        return ", ".join(byline.author.name for byline in obj.bylines.all()) or "—"

    @admin.display(description=_("publication time"), ordering="published_at")
    def publication_time(self, obj):
        if obj.published_at is None:
            return "—"
        return timezone.localtime(obj.published_at).strftime("%d %b %Y %H:%M")

    @admin.display(description=_("Site"))
    def view_link(self, obj):
        if not obj.is_public:
            return "—"
        return format_html('<a href="{}">View</a>', obj.get_absolute_url())

    # Saving

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        else:
            # The form checked the stored version under a row lock held until this save.
            obj.version = form.stored_version + 1
        obj.modified_by = request.user
        super().save_model(request, obj, form, change)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        with reversion.create_revision():
            reversion.set_user(request.user)
            reversion.set_comment(_("Edited") if object_id else _("Created"))
            return super().changeform_view(request, object_id, form_url, extra_context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        article = self.get_object(request, unquote(object_id))
        context = dict(extra_context or {})
        if article is not None:
            moves = workflow.available_moves(request.user, article)
            context.update(
                article=article,
                moves=moves,
                can_schedule=workflow.can_schedule(request.user),
                transitions=article.transitions.select_related("user")[:50],
                revision_count=Version.objects.get_for_object(article).count(),
                now=timezone.now(),
            )
        return super().change_view(request, object_id, form_url, context)

    # Workflow pages

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path(
                "<path:object_id>/move/<slug:move>/",
                wrap(self.transition_view),
                name="articles_article_move",
            ),
            path(
                "<path:object_id>/preview/",
                wrap(self.preview_view),
                name="articles_article_preview",
            ),
            path(
                "<path:object_id>/share-preview/",
                wrap(self.share_preview_view),
                name="articles_article_share_preview",
            ),
            path(
                "<path:object_id>/revoke-preview/",
                wrap(self.revoke_preview_view),
                name="articles_article_revoke_preview",
            ),
            path(
                "<path:object_id>/revisions/",
                wrap(self.revisions_view),
                name="articles_article_revisions",
            ),
            path(
                "<path:object_id>/revisions/compare/",
                wrap(self.compare_view),
                name="articles_article_compare",
            ),
            path(
                "<path:object_id>/revisions/<int:version_id>/restore/",
                wrap(self.restore_view),
                name="articles_article_restore",
            ),
            *super().get_urls(),
        ]

    def _article_or_404(self, request, object_id):
        article = self.get_object(request, unquote(object_id))
        if article is None:
            raise Http404(_("No such article."))
        if not self.has_view_or_change_permission(request, article):
            raise PermissionDenied
        return article

    def _back(self, article):
        return HttpResponseRedirect(reverse("admin:articles_article_change", args=[article.pk]))

    def transition_view(self, request, object_id, move):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        article = self._article_or_404(request, object_id)
        chosen = workflow.MOVES.get(move)
        if chosen is None:
            raise Http404(_("No such step."))
        if not workflow.allowed(request.user, chosen, article):
            raise PermissionDenied
        form = TransitionForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Please give a valid time, for example 2026-05-01 09:30."))
            return self._back(article)
        try:
            record = services.transition_article(
                article=article,
                move=chosen,
                by=request.user,
                note=form.cleaned_data["note"],
                at=form.cleaned_data["publish_at"],
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return self._back(article)
        except services.StaleState as error:
            messages.warning(request, str(error))
            return self._back(article)
        messages.success(request, describe(record, article))
        return self._back(article)

    def preview_view(self, request, object_id):
        article = self._article_or_404(request, object_id)
        return preview.render_preview(request, article, shared=False)

    def share_preview_view(self, request, object_id):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        article = self._article_or_404(request, object_id)
        if not workflow.can_edit(request.user, article):
            raise PermissionDenied
        url = request.build_absolute_uri(preview.preview_url(article))
        messages.success(
            request,
            format_html(
                'Preview link, valid for {} hours: <input class="preview-link" readonly '
                'value="{}" aria-label="Preview link" size="80">',
                preview.max_age_hours(),
                url,
            ),
        )
        return self._back(article)

    def revoke_preview_view(self, request, object_id):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        article = self._article_or_404(request, object_id)
        if not workflow.can_edit(request.user, article):
            raise PermissionDenied
        services.revoke_preview_links(article=article, by=request.user)
        messages.success(request, _("Preview links given out so far no longer work."))
        return self._back(article)

    def revisions_view(self, request, object_id):
        article = self._article_or_404(request, object_id)
        versions = (
            Version.objects.get_for_object(article)
            .select_related("revision__user")
            .order_by("-revision__date_created", "-pk")
        )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": article,
            "article": article,
            "versions": versions,
            "can_restore": workflow.can_edit(request.user, article),
            "title": _("Revisions of “%(headline)s”") % {"headline": article.headline},
        }
        return TemplateResponse(request, "admin/articles/article/revisions.html", context)

    def compare_view(self, request, object_id):
        article = self._article_or_404(request, object_id)
        versions = Version.objects.get_for_object(article)
        try:
            old = versions.select_related("revision__user").get(pk=request.GET.get("from"))
            new = versions.select_related("revision__user").get(pk=request.GET.get("to"))
        except (Version.DoesNotExist, ValueError):
            messages.error(request, _("Choose two revisions of this article to compare."))
            return HttpResponseRedirect(
                reverse("admin:articles_article_revisions", args=[article.pk])
            )
        if old.revision.date_created > new.revision.date_created:
            old, new = new, old
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": article,
            "article": article,
            "old": old,
            "new": new,
            "changes": revisions.compare(old, new),
            "can_restore": workflow.can_edit(request.user, article),
            "title": _("Changes to “%(headline)s”") % {"headline": article.headline},
        }
        return TemplateResponse(request, "admin/articles/article/compare.html", context)

    def restore_view(self, request, object_id, version_id):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        article = self._article_or_404(request, object_id)
        if not workflow.can_edit(request.user, article):
            raise PermissionDenied
        version = get_object_or_404(Version.objects.get_for_object(article), pk=version_id)
        try:
            services.restore_revision(article=article, version=version, by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return HttpResponseRedirect(
                reverse("admin:articles_article_revisions", args=[article.pk])
            )
        messages.success(
            request,
            _("Restored the revision of %(date)s.")
            % {"date": timezone.localtime(version.revision.date_created).strftime("%d %b %H:%M")},
        )
        return self._back(article)

    # Bulk actions: the same services as the buttons, one article at a time.

    def _bulk(self, request, queryset, move, **kwargs):
        done, refused = 0, []
        for article in queryset:
            if not workflow.may(request.user, move, article):
                refused.append(article.headline)
                continue
            try:
                services.transition_article(article=article, move=move, by=request.user, **kwargs)
                done += 1
            except (ValidationError, PermissionDenied, services.StaleState):
                refused.append(article.headline)
        if done:
            messages.success(request, _("%(count)d articles: done.") % {"count": done})
        if refused:
            messages.warning(
                request,
                _("Not possible for: %(headlines)s") % {"headlines": "; ".join(refused[:10])},
            )

    @admin.action(description=_("Submit selected articles for review"), permissions=["change_own"])
    def submit_selected(self, request, queryset):
        self._bulk(request, queryset, workflow.SUBMIT)

    @admin.action(description=_("Publish selected articles now"), permissions=["publish"])
    def publish_selected(self, request, queryset):
        self._bulk(request, queryset, workflow.PUBLISH_MOVE)

    @admin.action(description=_("Unpublish selected articles"), permissions=["publish"])
    def unpublish_selected(self, request, queryset):
        self._bulk(request, queryset, workflow.UNPUBLISH)


def describe(record, article):
    if record.to_status == Article.Status.PUBLISHED and article.is_scheduled:
        return _("Scheduled: goes live %(time)s.") % {
            "time": timezone.localtime(article.published_at).strftime("%d %b %Y at %H:%M %Z")
        }
    return _("“%(headline)s” is now %(status)s.") % {
        "headline": article.headline,
        "status": article.get_status_display().lower(),
    }


@admin.register(Transition)
class TransitionAdmin(admin.ModelAdmin):
    list_display = ("article", "from_status", "to_status", "user", "at")
    list_filter = ("to_status",)
    list_select_related = ("article", "user")
    date_hierarchy = "at"
    show_full_result_count = False
    paginator = EstimatedCountPaginator

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


@admin.register(Redirect)
class RedirectAdmin(admin.ModelAdmin):
    list_display = ("old_path", "target_link", "source", "site", "created_at")
    list_filter = ("source",)
    search_fields = ("old_path", "target")
    date_hierarchy = "created_at"
    fields = ("old_path", "target", "source", "site", "created_at")
    readonly_fields = ("created_at",)
    list_per_page = 100

    @admin.display(description=_("new address"), ordering="target")
    def target_link(self, obj):
        # Only addresses the model accepts (a path, or http/https) are ever stored here.
        return format_html('<a href="{}" rel="noopener">{}</a>', obj.target, obj.target)

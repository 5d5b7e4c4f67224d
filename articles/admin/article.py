"""The article admin: the list, the change page and its workflow buttons, autosave, presence,
previews and revisions."""

import reversion
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.admin.views.main import SEARCH_VAR
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import (
    Http404,
    HttpResponseNotAllowed,
    HttpResponseRedirect,
    JsonResponse,
    QueryDict,
)
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from reversion.models import Version

from newsroom.media.picker import picker_for

from .. import autosave, presence, preview, revisions, services, workflow
from ..models import LISTING_DEFERRED, Article
from ..paginator import SEARCH_COUNT_LIMIT, EstimatedCountPaginator
from .aids import writing_aids
from .columns import article_list_columns
from .filters import AuthorFilter, MineFilter, ScheduleFilter
from .forms import ArticleAdminForm, MoveRefused
from .inlines import BylineInline, CorrectionInline
from .pictures import library_image
from .unsaved import render_unsaved_preview


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
    list_filter = ("status", ScheduleFilter, "section", AuthorFilter, MineFilter, "published_at")
    list_select_related = ("section", "modified_by")
    search_fields = ("headline", "standfirst")
    # No date hierarchy: its links list the years of every article, a pass over a million
    # rows on each visit; the publication filter narrows by date instead.
    prepopulated_fields = {"slug": ("headline",)}
    autocomplete_fields = ("tags", "related_articles")
    raw_id_fields = ("hero",)
    inlines = (BylineInline, CorrectionInline)
    actions = ("submit_selected", "publish_selected", "unpublish_selected")
    # Counting 100,000 rows on every page costs more than the list itself.
    show_full_result_count = False
    # Facet counts would count the whole table once per filter choice.
    show_facets = admin.ShowFacets.NEVER
    paginator = EstimatedCountPaginator
    search_count_limit = SEARCH_COUNT_LIMIT
    fieldsets = (
        (None, {"fields": ("headline", "slug", "section", "standfirst", "body", "source")}),
        (
            _("Hero image"),
            {"fields": ("hero", "hero_upload", "hero_alt", "hero_caption", "hero_credit")},
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
        js = ("js/admin-workflow.js", "js/admin-desk.js", "js/admin-aids.js")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "hero":
            kwargs["widget"] = picker_for(self, db_field)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_queryset(self, request):
        queryset = super().get_queryset(request).prefetch_related("bylines__author")
        if getattr(request.resolver_match, "url_name", "").endswith("_changelist"):
            # The list shows none of the long columns (the change page needs them all).
            queryset = queryset.defer(*LISTING_DEFERRED)
        for extra in article_list_columns:
            if extra.annotate is not None:
                queryset = extra.annotate(queryset)
        return queryset

    def get_paginator(self, request, queryset, per_page, orphans=0, allow_empty_first_page=True):
        paginator = super().get_paginator(
            request, queryset, per_page, orphans, allow_empty_first_page
        )
        if request.GET.get(SEARCH_VAR, "").strip():
            paginator.limit = self.search_count_limit
        return paginator

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

    # Saving, and the workflow move pressed with it

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        refusal = getattr(request, "_workflow_refusal", None)
        return type(form.__name__, (form,), {"editor": request.user, "refusal": refusal})

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        else:
            # The form checked the stored version under a row lock held until this save.
            obj.version = form.stored_version + 1
        obj.modified_by = request.user
        upload = form.cleaned_data.get("hero_upload")
        if upload:
            obj.hero = library_image(
                upload,
                by=request.user,
                alt_text=obj.hero_alt,
                caption=obj.hero_caption,
                credit=obj.hero_credit,
            )
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # The saver's unsaved copy has served its purpose (and goes back if this rolls back).
        autosave.discard(user=request.user, article=form.instance)
        if not change:
            autosave.discard(user=request.user, new_key=autosave.NEW_ARTICLE_KEY)
        move = form.move
        if move is None:
            return
        try:
            record = services.transition_article(
                article=form.instance,
                move=move,
                by=request.user,
                note=form.cleaned_data.get("workflow_note", ""),
                at=form.cleaned_data.get("publish_at"),
            )
        except ValidationError as error:
            raise MoveRefused(" ".join(error.messages)) from error
        except services.StaleState as error:
            raise MoveRefused(str(error)) from error
        except PermissionDenied as error:
            raise MoveRefused(
                _("You may not use “%(action)s” on this article; nothing was saved.")
                % {"action": move.label}
            ) from error
        request._workflow_record = record

    def response_change(self, request, obj):
        record = getattr(request, "_workflow_record", None)
        if record is None:
            return super().response_change(request, obj)
        messages.success(request, describe(record, obj, saved=True))
        return self._back(obj)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            with reversion.create_revision():
                reversion.set_user(request.user)
                reversion.set_comment(_("Edited") if object_id else _("Created"))
                return super().changeform_view(request, object_id, form_url, extra_context)
        except MoveRefused as refused:
            # The save and the move were rolled back together. The form is checked again
            # with the reason as its error, so it comes back as typed, the button still chosen.
            request._workflow_refusal = ValidationError(refused.message, code="move_refused")
            for upload in request.FILES.values():
                upload.seek(0)
            return super().changeform_view(request, object_id, form_url, extra_context)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        adminform = context.get("adminform")
        if adminform is not None and not adminform.form.is_bound:
            context.update(self._autosave_context(request, obj, adminform.form))
        if adminform is not None and (obj is None or self.has_change_permission(request, obj)):
            context.update(
                aids=writing_aids(adminform.form, obj),
                unsaved_preview_url=reverse("admin:articles_article_preview", args=[obj.pk])
                if obj is not None
                else reverse("admin:articles_article_preview_new"),
            )
        if obj is not None and adminform is not None:
            form = adminform.form
            if not form.is_bound:
                context.update(
                    presence_url=reverse("admin:articles_article_presence", args=[obj.pk]),
                    presence_heartbeat_ms=presence.heartbeat_seconds() * 1000,
                    present_others=self._others(request, obj),
                )
            context.update(
                article=Article.objects.get(pk=obj.pk) if form.is_bound else obj,
                moves=workflow.available_moves(request.user, obj),
                chosen_move=form.move_name if form.is_bound else "",
                workflow_form=form,
                can_schedule=workflow.can_schedule(request.user),
                transitions=obj.transitions.select_related("user")[:50],
                revision_count=Version.objects.get_for_object(obj).count(),
                now=timezone.now(),
            )
        return super().render_change_form(request, context, add, change, form_url, obj)

    # Autosave: an unsaved copy of the open form, per person and article

    def _autosave_context(self, request, obj, form):
        if obj is None:
            editable = self.has_add_permission(request)
        else:
            editable = self.has_change_permission(request, obj)
        if not editable:
            return {}
        context = {
            "autosave_url": reverse("admin:articles_article_autosave"),
            "autosave_new_key": "" if obj else autosave.NEW_ARTICLE_KEY,
        }
        kept = autosave.offered(
            user=request.user, article=obj, new_key="" if obj else autosave.NEW_ARTICLE_KEY
        )
        if kept is None:
            return context
        data = QueryDict(mutable=True)
        for name, values in kept.state.items():
            data.setlist(name, values)
        compared = type(form)(data=data, instance=obj)
        differing = [
            str(compared.fields[name].label or name)
            for name in compared.changed_data
            if name not in {"base_version", "substantive_update"}
        ]
        if differing:
            context.update(autosave_offer=kept, autosave_fields=differing)
        return context

    def autosave_view(self, request):
        """Keeps the unsaved state of an open article form; never touches the article."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        article, refusal = self._autosave_target(request)
        if refusal:
            return refusal
        try:
            state = autosave.parse_state(request.POST.get("state", ""))
            kept = autosave.store(
                user=request.user,
                state=state,
                article=article,
                new_key=request.POST.get("new_key", ""),
            )
        except ValidationError as error:
            return JsonResponse({"error": " ".join(error.messages)}, status=400)
        return JsonResponse(
            {
                "saved_at": kept.saved_at.isoformat(),
                "label": timezone.localtime(kept.saved_at).strftime("%H:%M"),
            }
        )

    def autosave_discard_view(self, request):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        article, refusal = self._autosave_target(request)
        if refusal:
            return refusal
        try:
            autosave.discard(
                user=request.user, article=article, new_key=request.POST.get("new_key", "")
            )
        except ValidationError as error:
            return JsonResponse({"error": " ".join(error.messages)}, status=400)
        messages.info(request, _("The unsaved changes were discarded."))
        if article is None:
            return HttpResponseRedirect(reverse("admin:articles_article_add"))
        return self._back(article)

    def _autosave_target(self, request):
        """The article named in the POST (None for a new one), or the response refusing it."""
        raw = request.POST.get("article", "").strip()
        if not raw:
            if not self.has_add_permission(request):
                return None, JsonResponse(
                    {"error": str(_("You may not write articles."))}, status=403
                )
            return None, None
        article = self.get_object(request, raw)
        if article is None:
            return None, JsonResponse({"error": str(_("No such article."))}, status=404)
        if not self.has_change_permission(request, article):
            return None, JsonResponse(
                {"error": str(_("You may not edit this article."))}, status=403
            )
        return article, None

    # Presence: who else has this article open

    def _others(self, request, article):
        return [
            _("%(name)s has had this story open since %(time)s")
            % {"name": other["name"], "time": timezone.localtime(other["since"]).strftime("%H:%M")}
            for other in presence.heartbeat(user=request.user, article=article)
        ]

    def presence_view(self, request, object_id):
        """The change page's heartbeat: records this editor, answers with the others."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        article = self.get_object(request, unquote(object_id))
        if article is None:
            return JsonResponse({"error": str(_("No such article."))}, status=404)
        if not self.has_view_or_change_permission(request, article):
            return JsonResponse({"error": str(_("You may not open this article."))}, status=403)
        return JsonResponse({"others": [str(text) for text in self._others(request, article)]})

    # Workflow pages

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("autosave/", wrap(self.autosave_view), name="articles_article_autosave"),
            path(
                "autosave/discard/",
                wrap(self.autosave_discard_view),
                name="articles_article_autosave_discard",
            ),
            path("preview/", wrap(self.preview_new_view), name="articles_article_preview_new"),
            path(
                "<path:object_id>/presence/",
                wrap(self.presence_view),
                name="articles_article_presence",
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

    def preview_view(self, request, object_id):
        """GET: the article as saved. POST (the form's Preview button): as typed, unsaved."""
        if request.method == "POST":
            article = self.get_object(request, unquote(object_id))
            if article is None:
                raise Http404(_("No such article."))
            if not self.has_change_permission(request, article):
                raise PermissionDenied
            return render_unsaved_preview(self, request, article)
        article = self._article_or_404(request, object_id)
        return preview.render_preview(request, article, shared=False)

    def preview_new_view(self, request):
        """The Preview button of a new article's form: the story as typed, never saved."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not self.has_add_permission(request):
            raise PermissionDenied
        return render_unsaved_preview(self, request, None)

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


def describe(record, article, *, saved=False):
    if record.to_status == Article.Status.PUBLISHED and article.is_scheduled:
        text = _("Scheduled: goes live %(time)s.") % {
            "time": timezone.localtime(article.published_at).strftime("%d %b %Y at %H:%M %Z")
        }
    else:
        text = _("“%(headline)s” is now %(status)s.") % {
            "headline": article.headline,
            "status": article.get_status_display().lower(),
        }
    return _("Saved. %(move)s") % {"move": text} if saved else text

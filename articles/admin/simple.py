"""Sections, tags, the editorial history and redirects: the plain admin pages."""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from ..models import Redirect, Section, Tag, Transition
from ..paginator import EstimatedCountPaginator


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
    fields = ("old_path", "target", "image", "source", "site", "created_at")
    readonly_fields = ("created_at",)
    raw_id_fields = ("image",)
    list_per_page = 100

    @admin.display(description=_("new address"), ordering="target")
    def target_link(self, obj):
        if obj.image_id is not None and not obj.target:
            # Its public address changes with its renditions: the picture's page says it.
            return format_html(
                '<a href="{}">{}</a>',
                reverse("admin:media_image_change", args=[obj.image_id]),
                _("library picture %(id)s (while it is public)") % {"id": obj.image_id},
            )
        # Only addresses the model accepts (a path, or http/https) are ever stored here.
        return format_html('<a href="{}" rel="noopener">{}</a>', obj.target, obj.target)

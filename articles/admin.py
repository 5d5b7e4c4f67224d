from django import forms
from django.contrib import admin
from django.utils import timezone
from django.utils.html import format_html
from django_prose_editor.widgets import AdminProseEditorWidget

from .models import Article, Byline, Correction, Section, Tag


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
    substantive_update = forms.BooleanField(
        label="This is a substantive update",
        required=False,
        help_text='Readers see "Updated" with the time of this save. Leave it unticked for '
        "typo fixes and small edits.",
    )

    class Meta:
        # The fields come from ArticleAdmin.fieldsets.
        widgets = {"body": AdminProseEditorWidget(config=BODY_EDITOR, preset="configurable")}

    def save(self, commit=True):
        if self.cleaned_data.get("substantive_update"):
            self.instance.updated_at = timezone.now()
        return super().save(commit=commit)


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    form = ArticleAdminForm
    list_display = ("headline", "status", "section", "published_at", "is_featured", "view_link")
    list_filter = ("status", "section", "is_featured")
    list_select_related = ("section",)
    search_fields = ("headline", "standfirst")
    date_hierarchy = "published_at"
    prepopulated_fields = {"slug": ("headline",)}
    autocomplete_fields = ("tags", "related_articles")
    inlines = (BylineInline, CorrectionInline)
    fieldsets = (
        (None, {"fields": ("headline", "slug", "section", "standfirst", "body", "source")}),
        ("Hero image", {"fields": ("hero_image", "hero_alt", "hero_caption", "hero_credit")}),
        (
            "Publishing",
            {
                "fields": (
                    "status",
                    "published_at",
                    "substantive_update",
                    "updated_at",
                    "expires_at",
                    "is_featured",
                )
            },
        ),
        ("Topics", {"fields": ("tags", "related_articles")}),
        (
            "Advanced",
            {"classes": ("collapse",), "fields": ("comments_enabled", "comments_close_at")},
        ),
    )

    @admin.display(description="On the site")
    def view_link(self, obj):
        if not obj.is_public:
            return "—"
        return format_html('<a href="{}">View</a>', obj.get_absolute_url())

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

from django.contrib import admin

from newsroom.media.picker import picker_for

from .models import Author


@admin.register(Author)
class AuthorAdmin(admin.ModelAdmin):
    list_display = ("name", "job_title", "is_agency", "is_active")
    list_filter = ("is_active", "is_agency")
    search_fields = ("name", "job_title")
    prepopulated_fields = {"slug": ("name",)}
    autocomplete_fields = ("user",)
    raw_id_fields = ("photo",)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "photo":
            kwargs["widget"] = picker_for(self, db_field)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

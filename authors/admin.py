from django.contrib import admin

from .models import Author


@admin.register(Author)
class AuthorAdmin(admin.ModelAdmin):
    list_display = ("name", "job_title", "is_agency", "is_active")
    list_filter = ("is_active", "is_agency")
    search_fields = ("name", "job_title")
    prepopulated_fields = {"slug": ("name",)}
    autocomplete_fields = ("user",)

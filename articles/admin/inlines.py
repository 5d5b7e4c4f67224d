"""The parts edited inside an article: bylines in order, corrections."""

from django.contrib import admin

from ..models import Byline, Correction


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

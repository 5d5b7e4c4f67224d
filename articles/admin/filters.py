"""The article list's filters: by author, by schedule, the user's own."""

from django.contrib import admin
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from authors.models import Author

from ..models import Article


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

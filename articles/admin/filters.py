"""The article list's filters: by author, by schedule, the user's own."""

import operator
from functools import reduce

from django.contrib import admin
from django.db.models import Case, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from authors.models import Author
from newsroom.sanitize import strip_control_characters

from ..models import Article


class AuthorFilter(admin.SimpleListFilter):
    """Articles with one author's byline, the author found by a part of their name.

    A newsroom has thousands of authors: a link for each, on every visit of the list, took
    most of the page's time and was no help to find one. The filter is a search box instead;
    it lists the authors whose name contains what was typed (at most MATCHES), and the
    chosen author stays listed while other filters change. It works without JavaScript.
    """

    title = _("author")
    parameter_name = "author"
    search_parameter = "author_q"
    template = "admin/articles/article/author_filter.html"
    MATCHES = 20
    # No author's name is longer (Author.name); a longer search could match none.
    SEARCH_LENGTH = Author._meta.get_field("name").max_length

    def __init__(self, request, params, model, model_admin):
        # Taken before the changelist reads every remaining parameter as a field lookup.
        typed = params.pop(self.search_parameter, [""])[-1]
        self.search = " ".join(strip_control_characters(typed).split())[: self.SEARCH_LENGTH]
        self.may_search = request.user.has_perm("authors.view_author")
        self.chosen = None
        self.invalid = ""
        self.more = False
        self.found = 0
        super().__init__(request, params, model, model_admin)

    def lookups(self, request, model_admin):
        value = self.value()
        chosen_pk = None
        if value:
            if value.isascii() and value.isdigit() and len(value) <= 18:
                chosen_pk = int(value)
            else:
                self.invalid = value
        conditions = [Q(pk=chosen_pk)] if chosen_pk is not None else []
        if self.search and self.may_search:
            conditions.append(Q(name__icontains=self.search))
        if not conditions:
            return []
        authors = Author.objects.filter(reduce(operator.or_, conditions)).order_by("name", "pk")
        if chosen_pk is not None:
            # The chosen author first, so that no number of matches pushes them off.
            first = Case(When(pk=chosen_pk, then=Value(0)), default=Value(1))
            authors = authors.order_by(first, "name", "pk")
        # One query for the chosen author and the matches.
        authors = list(authors.values_list("pk", "name")[: self.MATCHES + 2])
        if chosen_pk is not None:
            if authors and authors[0][0] == chosen_pk:
                self.chosen = authors[0][1]
                # "007" chose author 7: the link to author 7 is the selected one.
                self.used_parameters[self.parameter_name] = str(chosen_pk)
            else:
                self.invalid = value
        shown = authors[: self.MATCHES + (self.chosen is not None)]
        self.more = len(authors) > len(shown)
        self.found = sum(1 for pk, name in shown if pk != chosen_pk or self._matches(name))
        return shown

    def _matches(self, name):
        return bool(self.search) and self.search.casefold() in name.casefold()

    def has_output(self):
        return self.may_search or self.value() is not None

    def expected_parameters(self):
        return [self.parameter_name, self.search_parameter]

    def choices(self, changelist):
        # The search form keeps every other filter, the ordering and the list's own search.
        self.kept_parameters = [
            (name, value)
            for name, values in changelist.filter_params.items()
            if name not in self.expected_parameters()
            for value in values
        ]
        yield from super().choices(changelist)

    def queryset(self, request, queryset):
        if self.invalid:
            # An author that does not exist has no articles; the filter says so.
            return queryset.none()
        if self.value():
            return queryset.filter(bylines__author_id=int(self.value()))
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

"""Columns other apps add to the article list, and the hook they add them through."""

from collections.abc import Callable
from dataclasses import dataclass


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

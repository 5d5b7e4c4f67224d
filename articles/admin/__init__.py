"""The newsroom's back office for articles, split by what each page does."""

from . import article, simple  # noqa: F401 (they register their admin classes)
from .columns import ArticleListColumn, add_article_list_column, article_list_columns

__all__ = ["ArticleListColumn", "add_article_list_column", "article_list_columns"]

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.cache import cache

from tests.factories import (
    ArticleFactory,
    AuthorFactory,
    SectionFactory,
    TagFactory,
    UserFactory,
)


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Uploaded files go to a temporary folder, never into the project."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture(autouse=True)
def empty_cache():
    """Cached settings and rate-limit counters never leak from one test into the next."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def reader(client):
    """An anonymous visitor."""
    return client


@pytest.fixture
def editor(db):
    user = UserFactory(username="editor", is_staff=True)
    user.user_permissions.set(
        Permission.objects.filter(content_type__app_label__in=["articles", "authors"])
    )
    return user


@pytest.fixture
def section(db):
    return SectionFactory(name="World", slug="world")


@pytest.fixture
def author(db):
    return AuthorFactory(name="Amara Osei", slug="amara-osei")


@pytest.fixture
def article(db, section, author):
    return ArticleFactory(section=section, authors=[author], tags=[TagFactory()])


@pytest.fixture
def writer(db):
    """Staff who write articles; no say over comments."""
    user = UserFactory(username="writer", is_staff=True)
    user.user_permissions.set(
        Permission.objects.filter(
            content_type__app_label="articles", codename__in=["add_article", "view_article"]
        )
    )
    return user


@pytest.fixture
def moderator(db):
    """A member of the "Comment moderator" group the migrations create."""
    user = UserFactory(username="moderator", is_staff=True)
    user.groups.add(Group.objects.get(name="Comment moderator"))
    return user

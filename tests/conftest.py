import pytest
from django.contrib.auth.models import Permission

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

"""A comment posted while the database is away comes back in the form, with a 503."""

import pytest
from django.db import OperationalError
from django.db.backends.base.base import BaseDatabaseWrapper

from comments import services
from comments.models import Comment

pytestmark = pytest.mark.django_db

TYPED = "The ferry users were never asked & <nobody> wrote it down."


@pytest.fixture
def quiet_client(client):
    client.raise_request_exception = False
    return client


@pytest.fixture
def dead_database(monkeypatch):
    """Every new query fails to reach the database, as when PostgreSQL is down."""

    def refuse(self):
        raise OperationalError("connection to server at 127.0.0.1, port 5432 failed")

    monkeypatch.setattr(BaseDatabaseWrapper, "ensure_connection", refuse)


def post(client, article):
    from tests.comments.conftest import form_data

    return client.post(
        f"/comments/post/{article.pk}/",
        form_data(article, body=TYPED, author_name="Ines\x00 Albarrán", parent=""),
        headers={"Sec-Fetch-Site": "same-origin"},
    )


def assert_form_kept(response, article):
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert response["Cache-Control"] == "no-store"
    html = response.content.decode()
    assert "Please try again shortly" in html
    assert f'action="/comments/post/{article.pk}/"' in html
    assert "The ferry users were never asked &amp; &lt;nobody&gt; wrote it down." in html
    assert 'value="Ines Albarrán"' in html
    assert 'value="ines@example.net"' in html
    assert 'name="token"' in html


def test_with_the_database_down_the_typed_comment_comes_back_in_the_form(
    quiet_client, article, dead_database
):
    assert_form_kept(post(quiet_client, article), article)


def test_a_database_failure_while_saving_keeps_the_typed_comment(
    quiet_client, article, monkeypatch
):
    def lost_connection(**kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(services, "post_comment", lost_connection)
    assert_form_kept(post(quiet_client, article), article)
    assert Comment.objects.count() == 0

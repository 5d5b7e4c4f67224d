"""A refused comment: post/redirect/get to the article, the form and errors kept there."""

import pytest

from comments.models import Comment, DiscussionSettings
from newsroom import pagecache
from tests.comments.conftest import field_value, form_data
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db

HEADERS = {"Sec-Fetch-Site": "same-origin"}


def send(client, article, **fields):
    return client.post(
        f"/comments/post/{article.pk}/", form_data(article, **fields), headers=HEADERS
    )


def test_a_refused_comment_redirects_to_the_article(client, article):
    response = send(client, article, author_name="", body="My careful words on the quays.")
    assert response.status_code == 303
    path, _, rest = response["Location"].partition("?")
    assert path == article.get_absolute_url()
    assert rest.startswith("refused=") and rest.endswith("#comment-errors")


def test_the_page_after_a_refusal_shows_the_form_errors_and_typed_text(client, article):
    location = send(client, article, author_name="", body="My careful words on the quays.")[
        "Location"
    ]
    response = client.get(location)
    assert response.status_code == 400
    assert response["Cache-Control"] == "private, no-store"
    html = response.content.decode()
    assert "Please enter your name." in html
    assert 'id="id_author_name_error"' in html
    assert "My careful words on the quays." in html
    assert field_value(html, "author_email") == "ines@example.net"
    canonical = f'<link rel="canonical" href="http://127.0.0.1:8000{article.get_absolute_url()}">'
    assert canonical in html


def test_reloading_the_refusal_page_sends_nothing_again(client, article):
    """The browser reloads a GET: the same refusal shows, and no comment is stored."""
    DiscussionSettings(rate_limit_seconds=0, hourly_cap=0).save()
    send(client, article)
    location = send(client, article)["Location"]
    for _ in range(2):
        response = client.get(location)
        assert response.status_code == 409
        assert "already said that" in response.content.decode()
    assert Comment.objects.count() == 1


def test_a_refusal_is_shown_only_under_its_own_article(client, article):
    location = send(client, article, author_name="")["Location"]
    token = location.split("refused=")[1].split("#")[0]
    other = ArticleFactory()
    response = client.get(f"{other.get_absolute_url()}?refused={token}")
    assert response.status_code == 200
    assert "Please enter your name." not in response.content.decode()


@pytest.mark.parametrize("token", ["", "x", "nope" * 5, "../../etc", "a" * 500])
def test_an_unknown_refusal_token_shows_the_plain_article(client, article, token):
    response = client.get(f"{article.get_absolute_url()}?refused={token}")
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"


def test_the_refusal_parameter_keeps_pages_out_of_the_page_cache():
    assert "refused" in pagecache.private_parameters()


def test_without_the_cache_a_refusal_answers_the_post_itself(client, article, monkeypatch):
    from comments import refused

    monkeypatch.setattr(refused, "keep", lambda **kwargs: None)
    response = send(client, article, author_name="")
    assert response.status_code == 400
    assert "Please enter your name." in response.content.decode()
